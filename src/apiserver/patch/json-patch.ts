// json-patch applies an RFC 6902 JSON patch with fast-json-patch, with kube-apiserver's answers:
// a body that is not a list of operations is a 400, more than 10000 operations a 413, an operation
// that does not apply (including a failed `test`) a 422 naming the operation.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, tooLarge, type ApiError } from '../../lib/errors.ts';
import { unprocessable } from './patch-errors.ts';
import { isMap } from './json-value.ts';

// MAX_JSON_PATCH_OPERATIONS is kube-apiserver's maxJSONPatchOperations.
export const MAX_JSON_PATCH_OPERATIONS = 10000;

// applyJSONPatch returns doc (a JSON value the caller owns; it is mutated) with the patch applied.
export function applyJSONPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch) || !patch.every(isMap)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  let cur = doc;
  for (const op of patch) {
    try {
      cur = jsonpatch.applyOperation(cur, op as unknown as Operation, true, true, true).newDocument;
    } catch (e) {
      throw operationError(e, op);
    }
  }
  return cur;
}

// operationError renders a failed operation as evanphx/json-patch words it.
function operationError(e: unknown, op: Record<string, unknown>): ApiError {
  const name = e instanceof jsonpatch.JsonPatchError ? e.name : 'UNKNOWN';
  const path = typeof op['path'] === 'string' ? op['path'] : '';
  const kind = typeof op['op'] === 'string' ? op['op'] : '';
  const messages: Record<string, string> = {
    TEST_OPERATION_FAILED: `testing value ${path} failed: test failed`,
    OPERATION_OP_INVALID: `Unexpected kind: ${kind}`,
    OPERATION_PATH_UNRESOLVABLE: `${kind} operation does not apply: doc is missing path: "${path}": missing value`,
    OPERATION_FROM_UNRESOLVABLE: `${kind} operation does not apply: doc is missing from path: "${String(op['from'])}": missing value`,
    OPERATION_PATH_CANNOT_ADD: `add operation does not apply: doc is missing path: "${path}": missing value`,
    OPERATION_VALUE_OUT_OF_BOUNDS: `${kind} operation does not apply: index out of bounds: "${path}"`,
    OPERATION_PATH_ILLEGAL_ARRAY_INDEX: `${kind} operation does not apply: invalid array index: "${path}"`,
    OPERATION_VALUE_REQUIRED: `${kind} operation does not apply: missing value`,
    OPERATION_FROM_REQUIRED: `${kind} operation does not apply: missing from`,
    OPERATION_PATH_INVALID: `${kind} operation does not apply: invalid path: "${path}"`,
  };
  return unprocessable(messages[name] ?? `${kind} operation does not apply: "${path}"`);
}
