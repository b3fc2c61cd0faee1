// matchesListOptions is the FakeSource's list/watch filter: label selectors through the API's own
// parser (src/api/labels.ts), field selectors on metadata.name and metadata.namespace (= and !=).
import { parseSelector } from '../../api/labels.ts';
import type { KubeObject } from '../../api/types.ts';
import type { SourceListOptions } from '../source.ts';

export function matchesListOptions(obj: KubeObject, opts: SourceListOptions | undefined): boolean {
  if (opts?.labelSelector && !parseSelector(opts.labelSelector).matches(obj.metadata?.labels ?? {})) return false;
  if (opts?.fieldSelector && !matchesFields(obj, opts.fieldSelector)) return false;
  return true;
}

function matchesFields(obj: KubeObject, sel: string): boolean {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
  return sel.split(',').map((t) => t.trim()).filter(Boolean).every((t) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(t);
    if (!m) return true;
    const have = fields[(m[1] ?? '').trim()];
    const want = (m[3] ?? '').trim();
    return m[2] === '!=' ? have !== want : have === want;
  });
}
