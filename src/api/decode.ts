// Strict decoding: what kube-apiserver's JSON decoder reports for a request body — unknown fields
// (rejected with fieldValidation=Strict, warned with Warn) and type mismatches (always rejected).
import { parseApiVersion } from './scheme.ts';
import { goStructName, goTypeName, modelFor, parseType, rootModelName, type TypeRef } from './model-schema.ts';

// DecodeErrors: unknown holds `unknown field "spec.ports[0].addresss"` entries in document order;
// type holds Go-style unmarshal errors (only the first is reported, as encoding/json does).
export interface DecodeErrors { unknown: string[]; type: string[] }

interface Walk { errs: DecodeErrors; struct: string; goPath: string }

const INT_RANGES: Record<string, [number, number]> = { int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] };

// decodeErrors walks obj against the schema of apiVersion/kind; an unknown kind yields no errors.
export function decodeErrors(apiVersion: string, kind: string, obj: unknown): DecodeErrors {
  const errs: DecodeErrors = { unknown: [], type: [] };
  const root = rootModelName(apiVersion, kind);
  if (!root) return errs;
  walk(obj, { kind: 'model', name: root }, '', { errs, struct: goStructName(root), goPath: '' });
  return errs;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function typeError(v: unknown, t: TypeRef, w: Walk): void {
  const value = typeof v === 'number' ? `number ${v}` : jsonKind(v);
  const where = w.goPath ? `Go struct field ${w.struct}.${w.goPath}` : 'Go value';
  w.errs.type.push(`json: cannot unmarshal ${value} into ${where} of type ${goTypeName(t)}`);
}

function walk(v: unknown, t: TypeRef, path: string, w: Walk): void {
  if (v === null || v === undefined) return;
  switch (t.kind) {
    case 'primitive': return checkPrimitive(v, t, w);
    case 'array':
      if (!Array.isArray(v)) return typeError(v, t, w);
      v.forEach((x, i) => walk(x, t.item, `${path}[${i}]`, w));
      return;
    case 'map':
      if (jsonKind(v) !== 'object') return typeError(v, t, w);
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, t.value, `${path}[${k}]`, w);
      return;
    case 'model': return walkModel(v, t, path, w);
  }
}

// FieldTypes is a model's fields by JSON name, types parsed: decoding runs on every write, so the
// schema is parsed once per model, not once per field per request.
interface FieldTypes { struct: string; fields: Map<string, TypeRef> }
const fieldTypes = new Map<string, FieldTypes | undefined>();

function fieldTypesOf(name: string): FieldTypes | undefined {
  if (fieldTypes.has(name)) return fieldTypes.get(name);
  const model = modelFor(name);
  const out = model && { struct: goStructName(model.name), fields: new Map(model.fields.map((f) => [f.json, parseType(f.type, f.format)])) };
  fieldTypes.set(name, out);
  return out;
}

function walkModel(v: unknown, t: { kind: 'model'; name: string }, path: string, w: Walk): void {
  const model = fieldTypesOf(t.name);
  if (!model) return;
  if (jsonKind(v) !== 'object') return typeError(v, t, w);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const fieldPath = path ? `${path}.${k}` : k;
    const ft = model.fields.get(k);
    if (!ft) { w.errs.unknown.push(`unknown field ${JSON.stringify(fieldPath)}`); continue; }
    const goPath = w.goPath ? `${w.goPath}.${k}` : k;
    walk(x, ft, fieldPath, { errs: w.errs, struct: model.struct, goPath });
  }
}

function checkPrimitive(v: unknown, t: Extract<TypeRef, { kind: 'primitive' }>, w: Walk): void {
  switch (t.name) {
    case 'any': return;
    case 'IntOrString':
      if (typeof v === 'string') return;
      if (typeof v !== 'number' || !Number.isInteger(v)) w.errs.type.push(`json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : jsonKind(v)} into Go value of type int32`);
      return;
    case 'boolean': if (typeof v !== 'boolean') typeError(v, t, w); return;
    case 'number': {
      if (typeof v !== 'number') return typeError(v, t, w);
      const range = INT_RANGES[t.format];
      if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) typeError(v, t, w);
      return;
    }
    default:
      if (typeof v !== 'string') return typeError(v, t, w);
      if (t.format === 'byte') checkBase64(v, w);
  }
}

// checkBase64 reports Go's "illegal base64 data at input byte N" for []byte fields (Secret data).
function checkBase64(s: string, w: Walk): void {
  const clean = s.replace(/[\r\n]/g, '');
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  const pad = clean.indexOf('=');
  let at = bad;
  if (at < 0 && pad >= 0 && !/^=*$/.test(clean.slice(pad))) at = pad;
  if (at < 0 && clean.length % 4 !== 0) at = clean.length - (clean.length % 4);
  if (at >= 0) w.errs.type.push(`illegal base64 data at input byte ${at}`);
}

// cannotHandle is the 400 message prefix: `Service in version "v1" cannot be handled as a Service: `.
function cannotHandle(apiVersion: string, kind: string): string {
  return `${kind} in version ${JSON.stringify(parseApiVersion(apiVersion).version)} cannot be handled as a ${kind}: `;
}

// decodeErrorMessage renders the BadRequest message for a body, or undefined when it decodes:
// a type error always fails; unknown fields fail only when strict (fieldValidation=Strict).
export function decodeErrorMessage(apiVersion: string, kind: string, errs: DecodeErrors, strict: boolean): string | undefined {
  const first = errs.type[0];
  if (first !== undefined) return cannotHandle(apiVersion, kind) + first;
  if (strict && errs.unknown.length > 0) return `${cannotHandle(apiVersion, kind)}strict decoding error: ${errs.unknown.join(', ')}`;
  return undefined;
}

// unknownFieldWarnings are the Warning header texts for fieldValidation=Warn (one per unknown field).
export function unknownFieldWarnings(errs: DecodeErrors): string[] { return [...errs.unknown]; }

// zeroValue is what Go decodes a JSON null array item or map value into.
function zeroValue(t: TypeRef): unknown {
  if (t.kind === 'model' || t.kind === 'map') return {};
  if (t.kind === 'array') return [];
  if (t.name === 'string' || t.name === 'Date') return '';
  if (t.name === 'number' || t.name === 'IntOrString') return 0;
  return t.name === 'boolean' ? false : null;
}

// normalizeNulls makes obj what Go's decoder would hold, in place: a null field is absent, a null array
// item or map value is its type's zero value. Strategies can then read fields without null checks.
export function normalizeNulls(apiVersion: string, kind: string, obj: unknown): void {
  const root = rootModelName(apiVersion, kind);
  if (root) normalize(obj, { kind: 'model', name: root });
}

function normalize(v: unknown, t: TypeRef): void {
  if (v === null || typeof v !== 'object') return;
  if (t.kind === 'array' && Array.isArray(v)) {
    v.forEach((x, i) => { if (x === null) v[i] = zeroValue(t.item); else normalize(x, t.item); });
  } else if (t.kind === 'map' && !Array.isArray(v)) {
    const m = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(m)) { if (x === null) m[k] = zeroValue(t.value); else normalize(x, t.value); }
  } else if (t.kind === 'model' && !Array.isArray(v)) {
    const fields = fieldTypesOf(t.name)?.fields;
    const m = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(m)) {
      if (x === null) { delete m[k]; continue; }
      const ft = fields?.get(k);
      if (ft) normalize(x, ft);
    }
  }
}
