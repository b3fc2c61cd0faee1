// patch applies the PATCH request bodies kube-apiserver accepts: JSON patch (RFC 6902), merge patch
// (RFC 7386) and strategic merge patch (with the merge keys of Kubernetes' types). It is pure: the
// original object is never mutated, the result is a fresh plain-JSON object, and every failure is an
// ApiError (400 for undecodable patches, 422 for JSON patch operations that do not apply).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { PatchType } from '../registry/types.ts';
import { badRequest, unsupportedMediaType } from '../../lib/errors.ts';
import { applyJSONPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { mergeMap } from './strategic-merge.ts';
import { rootType } from './patch-schema.ts';
import { isMap, toJSONValue } from './json-value.ts';

export { patchMetaFor, mergeKeyEntries, type PatchMeta } from './merge-keys.ts';
export { MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';

// PATCH_CONTENT_TYPES maps a request's Content-Type to its patch type.
export const PATCH_CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

// applyPatch returns original with patch applied; info names the kind whose Go types give the strategic
// merge keys. Server-side apply ('apply') is not supported: 415.
export function applyPatch(type: PatchType, original: KubeObject, patch: unknown, info: ResourceInfo): KubeObject {
  const doc = toJSONValue(original);
  const p = toJSONValue(patch);
  let out: unknown;
  switch (type) {
    case 'json': out = applyJSONPatch(doc, p); break;
    case 'merge': out = applyMergePatch(doc, p); break;
    case 'strategic': out = strategicMergePatch(doc, p, info); break;
    default: throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_CONTENT_TYPES).slice(0, 3).join(', ')}`);
  }
  if (!isMap(out)) throw badRequest(`the patched object is not a JSON object`);
  return out as KubeObject;
}

function strategicMergePatch(doc: unknown, patch: unknown, info: ResourceInfo): unknown {
  if (!isMap(patch)) {
    const what = Array.isArray(patch) ? 'array' : patch === null ? 'null' : typeof patch === 'string' ? 'string' : typeof patch;
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isMap(doc) ? doc : {}, patch, rootType(info.kind, info.version));
}
