// The rewrite family: rewrite-target, use-regex, app-root.
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { parseBool, parsePath } from './values.ts';
import type { Parsed } from './values.ts';

// parseRewriteTarget accepts a path that may reference captures ($1..$9) and may carry a query.
function parseRewriteTarget(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!/^\/[^\s\x00-\x1f\x7f]*$/.test(s)) return { error: 'must be a path starting with "/", e.g. "/" or "/$2"' };
  return s;
}

export const rewriteFamily: AnnotationFamily = {
  name: 'rewrite',
  keys: ['rewrite-target', 'use-regex', 'app-root'],
  parse(input, config) {
    const target = read(input, 'rewrite-target', parseRewriteTarget);
    if (target !== undefined) config.rewriteTarget = target;
    config.useRegex = read(input, 'use-regex', parseBool) ?? false;
    // A target that references a capture group needs the path matched as a regular expression; ingress-nginx
    // enforces the regex location modifier whenever rewrite-target is set, so "/$2" works without use-regex.
    if (target !== undefined && /\$[1-9]/.test(target)) config.useRegex = true;
    const appRoot = read(input, 'app-root', parsePath);
    if (appRoot !== undefined) config.appRoot = appRoot;
  },
};
