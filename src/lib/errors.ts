// Errors are data: ApiError carries Kubernetes' reason, HTTP code and details. Make them only with the
// constructors below; the HTTP edge turns them into a metav1.Status once (toStatus).

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Gone' | 'Expired'
  | 'MethodNotAllowed' | 'NotAcceptable' | 'UnsupportedMediaType' | 'InternalError' | 'Forbidden'
  | 'Timeout' | 'TooManyRequests' | 'ServiceUnavailable' | 'RequestEntityTooLarge';

export interface GroupResource { group: string; resource: string }
export interface GroupKind { group: string; kind: string }

export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate'
  | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound' | 'InternalError';

// FieldError is one bad field, rendered like apimachinery's field.Error: "spec.ports[0].port: Invalid value: 0: must be ...".
export interface FieldError { type: FieldErrorType; field: string; value?: unknown; detail: string; valueOmitted?: boolean }

export interface StatusCause { reason: string; message: string; field: string }
export interface StatusDetails { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number }

export interface Status {
  kind: 'Status'; apiVersion: 'v1'; metadata: Record<string, never>;
  status: 'Failure' | 'Success'; message: string; reason: StatusReason | ''; details?: StatusDetails; code: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isApiError(e: unknown): e is ApiError { return e instanceof ApiError; }
export function isNotFound(e: unknown): boolean { return isApiError(e) && e.reason === 'NotFound'; }
export function isConflict(e: unknown): boolean { return isApiError(e) && e.reason === 'Conflict'; }
export function isAlreadyExists(e: unknown): boolean { return isApiError(e) && e.reason === 'AlreadyExists'; }

// qualified renders "services" or "ingresses.networking.k8s.io" the way apimachinery names a GroupResource.
function qualified(gr: GroupResource): string { return gr.group ? `${gr.resource}.${gr.group}` : gr.resource; }
function qualifiedKind(gk: GroupKind): string { return gk.group ? `${gk.kind}.${gk.group}` : gk.kind; }

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });
}
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });
}
export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });
}
export function badRequest(message: string): ApiError { return new ApiError(400, 'BadRequest', message); }
export function gone(message: string): ApiError { return new ApiError(410, 'Expired', message); }
export function methodNotAllowed(message: string): ApiError { return new ApiError(405, 'MethodNotAllowed', message); }
export function notAcceptable(message: string): ApiError { return new ApiError(406, 'NotAcceptable', message); }
export function unsupportedMediaType(message: string): ApiError { return new ApiError(415, 'UnsupportedMediaType', message); }
export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource });
}
export function internal(message: string): ApiError { return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`); }
export function tooLarge(message: string): ApiError { return new ApiError(413, 'RequestEntityTooLarge', message); }

const typeText: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value', FieldValueInvalid: 'Invalid value', FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value', FieldValueForbidden: 'Forbidden', FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many', FieldValueTypeInvalid: 'Invalid value', FieldValueNotFound: 'Not found', InternalError: 'Internal error',
};

// fieldErrorBody renders the part after "field: " exactly as apimachinery's field.Error.ErrorBody does.
export function fieldErrorBody(e: FieldError): string {
  const t = typeText[e.type];
  const bare = e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong' || e.type === 'InternalError' || e.valueOmitted === true;
  let s = bare ? t : `${t}: ${renderValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

// invalid is the 422 for a whole object: `Service "x" is invalid: [a: ..., b: ...]`, one cause per field error.
export function invalid(gk: GroupKind, name: string, errs: readonly FieldError[]): ApiError {
  const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const parts = errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(gk)} "${name}" is invalid: ${list}`, { name, group: gk.group, kind: gk.kind, causes });
}

// Field error constructors, named as in k8s.io/apimachinery/pkg/util/validation/field.
export const field = {
  required: (f: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: f, detail }),
  invalid: (f: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: f, value, detail }),
  notSupported: (f: string, value: unknown, valid: readonly string[]): FieldError =>
    ({ type: 'FieldValueNotSupported', field: f, value, detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` }),
  duplicate: (f: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: f, value, detail: '' }),
  forbidden: (f: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: f, detail }),
  tooLong: (f: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field: f, detail: `must have at most ${max} bytes` }),
  tooMany: (f: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field: f, value: actual, detail: `must have at most ${max} items` }),
  typeInvalid: (f: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field: f, value, detail }),
  notFound: (f: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: f, value, detail: '' }),
};
