// matchesListOptions: the FakeSource's label and field selector filter. It understands equality-based
// label selectors ("a=b,c!=d,e,!f", "in"/"notin" sets) and field selectors on metadata.name/namespace —
// enough for tests; the API server's own parser lives in src/api.
import type { KubeObject } from '../../api/types.ts';
import type { SourceListOptions } from '../source.ts';

export function matchesListOptions(obj: KubeObject, opts: SourceListOptions | undefined): boolean {
  if (opts?.labelSelector && !matchesLabels(obj.metadata?.labels ?? {}, opts.labelSelector)) return false;
  if (opts?.fieldSelector && !matchesFields(obj, opts.fieldSelector)) return false;
  return true;
}

// splitTerms splits a selector on commas outside parentheses.
function splitTerms(sel: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function matchesLabels(labels: Record<string, string>, sel: string): boolean {
  return splitTerms(sel).every((t) => matchesTerm(labels, t));
}

function matchesTerm(labels: Record<string, string>, t: string): boolean {
  const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(t);
  if (set) {
    const [, k = '', op, vals = ''] = set;
    const values = vals.split(',').map((v) => v.trim());
    const v = labels[k];
    return op === 'in' ? v !== undefined && values.includes(v) : v === undefined || !values.includes(v);
  }
  const ne = /^([^!=]+)!=(.*)$/.exec(t);
  if (ne) return labels[(ne[1] ?? '').trim()] !== (ne[2] ?? '').trim();
  const eq = /^([^!=]+)==?(.*)$/.exec(t);
  if (eq) return labels[(eq[1] ?? '').trim()] === (eq[2] ?? '').trim();
  if (t.startsWith('!')) return !(t.slice(1).trim() in labels);
  return t in labels;
}

function matchesFields(obj: KubeObject, sel: string): boolean {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
  return splitTerms(sel).every((t) => {
    const ne = /^([^!=]+)!=(.*)$/.exec(t);
    if (ne) return fields[(ne[1] ?? '').trim()] !== (ne[2] ?? '').trim();
    const eq = /^([^!=]+)==?(.*)$/.exec(t);
    return eq ? fields[(eq[1] ?? '').trim()] === (eq[2] ?? '').trim() : true;
  });
}
