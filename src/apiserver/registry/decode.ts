// decodeBody performs the checks kube-apiserver's decoder makes on a request body before anything else:
// an object of the resource's apiVersion and kind, field types right, and unknown fields handled per
// fieldValidation (Strict: 400; Warn: a warning each; Ignore: nothing). DecodeFn reports unknown
// fields as `unknown field "spec.x"` and type errors as Go's unmarshal messages (the first one is used).
import { apiVersionOf, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import { badRequest } from '../../lib/errors.ts';
import type { DecodeErrors } from './deps.ts';
import type { WriteOptions } from './types.ts';

export type DecodeFn = (apiVersion: string, kind: string, obj: unknown) => DecodeErrors;

// decodeBody returns a deep copy of body (body itself when opts.bodyOwned) with apiVersion and kind set
// (a client may omit them), or throws badRequest.
export function decodeBody(info: ResourceInfo, body: unknown, opts: WriteOptions | undefined, decode: DecodeFn): KubeObject {
  const gv = apiVersionOf(info);
  const cannot = `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}`;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${cannot}: json: cannot unmarshal ${jsonType(body)} into Go value of type struct`);
  }
  const obj = (opts?.bodyOwned ? body : structuredClone(body)) as KubeObject;
  if (obj.apiVersion && obj.apiVersion !== gv) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (obj.kind && obj.kind !== info.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  }
  obj.apiVersion = gv;
  obj.kind = info.kind;
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw badRequest(`${cannot}: json: cannot unmarshal ${jsonType(obj.metadata)} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`);
  }
  if (opts?.typed) return obj;
  const errs = decode(gv, info.kind, obj);
  const typeError = errs.type[0];
  if (typeError !== undefined) throw badRequest(`${cannot}: ${typeError}`);
  const unknown = [...new Set(errs.unknown)];
  if (unknown.length > 0) {
    const mode = opts?.fieldValidation ?? 'Warn';
    if (mode === 'Strict') throw badRequest(`${cannot}: strict decoding error: ${unknown.join(', ')}`);
    if (mode === 'Warn') opts?.warnings?.push(...unknown);
  }
  return obj;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
