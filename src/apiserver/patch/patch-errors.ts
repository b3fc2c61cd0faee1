// patch-errors are the API errors a bad patch gets, as kube-apiserver's patch handler answers them:
// 400 BadRequest for a patch that cannot be decoded or has a malformed directive, 422 Invalid (no kind,
// no name, the failure as the one cause) for a JSON patch that does not apply.
import { ApiError, badRequest } from '../../lib/errors.ts';

// unprocessable is errors.NewGenericServerResponse(422, "", {}, "", serverMessage, 0, false).
export function unprocessable(serverMessage: string): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request',
    { causes: [{ reason: '', message: serverMessage, field: '' }] });
}

// Strategic-merge-patch errors of k8s.io/apimachinery/pkg/util/mergepatch, with their texts.
export const smpErrors = {
  badJSONDoc: (): ApiError => badRequest('invalid JSON document'),
  noListOfLists: (): ApiError => unprocessable('lists of lists are not supported'),
  badPrimitiveList: (): ApiError => badRequest('invalid patch format of primitive list'),
  badRetainKeys: (): ApiError => badRequest('invalid patch format of retainKeys'),
  badSetElementOrder: (): ApiError => badRequest('invalid patch format of setElementOrder list'),
  // The rest are plain Go errors that kube-apiserver passes through as a 500 with reason Unknown;
  // Portico answers them with 400 BadRequest, since the fault is the request's.
  noMergeKey: (m: unknown, key: string): ApiError => badRequest(`map: ${goString(m)} does not contain declared merge key: ${key}`),
  badPatchType: (t: unknown, m: unknown): ApiError => badRequest(`unknown patch type: ${String(t)} in map: ${goString(m)}`),
  badArgType: (want: string, got: unknown): ApiError => badRequest(`expected a ${want}, but received a ${kindOf(got)}`),
  noMergeKeyDeclared: (): ApiError => badRequest('cannot merge lists without merge key'),
  mergeDirectiveInList: (): ApiError => badRequest('merging lists cannot yet be specified in the patch'),
  elementTypes: (): ApiError => badRequest('list element types are not identical'),
  orderMismatch: (): ApiError => badRequest(`The order in patch list doesn't match $setElementOrder list`),
};

// kindOf names a JSON value's kind the way Go's reflect.Kind prints it.
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

// goString renders a value roughly as Go's %v of a map[string]interface{}: map[k:v ...].
function goString(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.keys(v).sort().map((k) => `${k}:${goString((v as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return v === null || v === undefined ? '<nil>' : String(v);
}
