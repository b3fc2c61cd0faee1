// decode turns a protobuf message into the JSON value Kubernetes' JSON serializer would have produced
// for the same Go object, using the message tables of schema.ts. Go's generated Marshal writes every
// non-pointer scalar (zero values too), so a zero scalar in a non-pointer field is dropped (it is what
// omitempty or an absent field means); pointer fields keep their zero. Messages with their own JSON form
// (Time, IntOrString, Quantity, RawExtension, FieldsV1) go through CUSTOM.
import { badRequest } from '../../../lib/errors.ts';
import type { FieldSpec, FieldType, Schema, Scalar } from './schema.ts';
import { readFields, toDouble, toFloat, toInt32, toInt64, unpackFixed, unpackVarints } from './wire.ts';
import type { WireField } from './wire.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Custom = (fields: WireField[]) => Json | undefined;

// GO_ZERO_TIME_SECONDS is the Unix time of Go's zero time.Time. metav1.Time marshals the zero time as an
// empty message (seconds = nanos = 0) and reads 0/0 back as the zero time; either is JSON null.
const GO_ZERO_TIME_SECONDS = -62135596800;

function intField(fields: WireField[], num: number): number {
  const f = fields.findLast((x) => x.num === num);
  return f ? toInt64(f.varint) : 0;
}
function bytesField(fields: WireField[], num: number): Uint8Array | undefined {
  return fields.findLast((x) => x.num === num)?.bytes;
}
function utf8(b: Uint8Array | undefined): string { return b ? Buffer.from(b).toString('utf8') : ''; }

function time(fields: WireField[], fractionDigits: 0 | 6): Json | undefined {
  const seconds = intField(fields, 1);
  const nanos = intField(fields, 2);
  if ((seconds === GO_ZERO_TIME_SECONDS || seconds === 0) && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return fractionDigits === 0 ? `${iso}Z` : `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function rawJson(b: Uint8Array | undefined): Json | undefined {
  if (!b || b.length === 0) return undefined;
  try { return JSON.parse(utf8(b)) as Json; } catch { throw badRequest('unable to decode protobuf body: embedded raw object is not JSON'); }
}

const CUSTOM = new Map<string, Custom>([
  ['meta.v1.Time', (f) => time(f, 0)],
  ['meta.v1.MicroTime', (f) => time(f, 6)],
  ['intstr.IntOrString', (f) => (intField(f, 1) === 1 ? utf8(bytesField(f, 3)) : toInt32(BigInt(intField(f, 2))))],
  ['resource.Quantity', (f) => utf8(bytesField(f, 1))],
  ['runtime.RawExtension', (f) => rawJson(bytesField(f, 1))],
  ['meta.v1.FieldsV1', (f) => rawJson(bytesField(f, 1))],
]);

function scalarOf(t: Scalar, f: WireField): Json {
  switch (t) {
    case 'string': return utf8(f.bytes);
    case 'bytes': return Buffer.from(f.bytes).toString('base64');
    case 'bool': return f.varint !== 0n;
    case 'int32': return toInt32(f.varint);
    case 'int64': return toInt64(f.varint);
    case 'uint32': case 'uint64': return Number(f.varint);
    case 'double': return toDouble(f.varint);
    case 'float': return toFloat(f.varint);
  }
}

function wantsLengthDelimited(t: FieldType): boolean { return typeof t !== 'string' || t === 'string' || t === 'bytes'; }

// values decodes one wire field into its values (several for a packed repeated scalar).
function values(schema: Schema, spec: FieldSpec, t: FieldType, f: WireField): Json[] {
  const lenDelim = wantsLengthDelimited(t);
  if ((f.wire === 2) !== lenDelim) {
    if (f.wire === 2 && typeof t === 'string') { // packed repeated scalar
      const raw = t === 'double' ? unpackFixed(f.bytes, 8) : t === 'float' ? unpackFixed(f.bytes, 4) : unpackVarints(f.bytes);
      return raw.map((v) => scalarOf(t, { ...f, wire: 0, varint: v }));
    }
    throw badRequest(`unable to decode protobuf body: proto: wrong wire type ${f.wire} for field ${spec.name}`);
  }
  if (typeof t === 'string') return [scalarOf(t, f)];
  const v = decodeMessage(schema, t.message, f.bytes);
  return v === undefined ? [] : [v];
}

function isZero(v: Json): boolean { return v === '' || v === 0 || v === false; }

function mapEntry(schema: Schema, spec: FieldSpec, map: NonNullable<FieldSpec['map']>, bytes: Uint8Array): [string, Json] {
  let key: Json = '';
  let value: Json | undefined;
  for (const f of readFields(bytes)) {
    if (f.num === 1) key = values(schema, spec, map.key, f)[0] ?? '';
    else if (f.num === 2) value = values(schema, spec, map.value, f)[0];
  }
  const zero: Json = typeof map.value !== 'string' ? {} : map.value === 'bool' ? false : ['string', 'bytes'].includes(map.value) ? '' : 0;
  return [String(key), value ?? zero];
}

// decodeMessage decodes the bytes of the named message; unknown field numbers are refused, as a
// strict decoder would (they mean the tables and the client disagree). undefined = JSON null/absent.
export function decodeMessage(schema: Schema, name: string, bytes: Uint8Array): Json | undefined {
  const fields = readFields(bytes);
  const custom = CUSTOM.get(name);
  if (custom) return custom(fields);
  const table = schema.message(name);
  if (!table) throw badRequest(`unable to decode protobuf body: no table for message ${name}`);
  const out: { [k: string]: Json } = {};
  for (const f of fields) {
    const spec = table.get(f.num);
    if (!spec) throw badRequest(`unable to decode protobuf body: unknown field ${f.num} in ${name}`);
    if (spec.map) {
      const m = (out[spec.name] ??= {}) as { [k: string]: Json };
      const [k, v] = mapEntry(schema, spec, spec.map, f.bytes);
      m[k] = v;
    } else if (spec.repeated) {
      const list = (out[spec.name] ??= []) as Json[];
      list.push(...values(schema, spec, spec.type, f));
    } else if (spec.inline) {
      const v = values(schema, spec, spec.type, f)[0];
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v);
    } else {
      const v = values(schema, spec, spec.type, f);
      const last = v[v.length - 1];
      if (last === undefined || (!spec.pointer && isZero(last))) delete out[spec.name];
      else out[spec.name] = last;
    }
  }
  return out;
}
