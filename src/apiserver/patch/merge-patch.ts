// merge-patch applies an RFC 7386 JSON merge patch with json-merge-patch.
import { createRequire } from 'node:module';
import { badRequest } from '../../lib/errors.ts';
import { isMap } from './json-value.ts';

type MergeApply = (target: unknown, patch: unknown) => unknown;
const require = createRequire(import.meta.url);
const lib: unknown = require('json-merge-patch');
const apply: MergeApply = (lib as { apply: MergeApply }).apply;

// applyMergePatch returns doc (owned by the caller; it is mutated) with the patch merged in. kube-apiserver
// decodes the patch as an object: anything else is a 400 ("Invalid JSON Patch", jsonpatch.ErrBadJSONPatch).
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isMap(patch)) throw badRequest('Invalid JSON Patch');
  return apply(doc, patch);
}
