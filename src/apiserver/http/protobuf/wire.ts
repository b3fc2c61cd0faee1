// wire is a generic protocol-buffers wire-format reader and writer: varints, fixed 32/64-bit and
// length-delimited fields. It knows no schema; maps arrive as repeated entry messages (key = 1,
// value = 2) and packed repeated scalars as one length-delimited field (see unpackVarints).
// Malformed input is a 400 BadRequest, as kube-apiserver answers a body it cannot decode.
import { badRequest } from '../../../lib/errors.ts';

// WireType 0 = varint, 1 = 64-bit, 2 = length-delimited, 5 = 32-bit (groups 3/4 are refused).
export type WireType = 0 | 1 | 2 | 5;

// WireField is one field as it appears on the wire: varint holds wire types 0/1/5 as an unsigned
// 64-bit value; bytes holds the payload of wire type 2 (a view into the input, not a copy).
export interface WireField { num: number; wire: WireType; varint: bigint; bytes: Uint8Array }

const EMPTY = new Uint8Array(0);

function malformed(why: string): never {
  throw badRequest(`unable to decode protobuf body: proto: ${why}`);
}

// readVarint decodes the unsigned varint at pos and returns it with the position after it.
export function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i] ?? 0;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [BigInt.asUintN(64, result), i + 1];
    shift += 7n;
  }
  return malformed(buf.length - pos < 10 ? 'unexpected end of varint' : 'integer overflow');
}

function readFixed(buf: Uint8Array, pos: number, n: 4 | 8): bigint {
  if (pos + n > buf.length) malformed('unexpected end of fixed-width field');
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i] ?? 0);
  return v;
}

// readFields splits one message into its fields, in wire order (repeated fields appear once each).
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = readVarint(buf, pos);
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (num < 1 || num > 536870911) malformed(`illegal field number ${num}`);
    pos = p;
    if (wire === 0) {
      const [v, q] = readVarint(buf, pos);
      out.push({ num, wire, varint: v, bytes: EMPTY }); pos = q;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      out.push({ num, wire, varint: readFixed(buf, pos, n), bytes: EMPTY }); pos += n;
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      if (len > BigInt(buf.length - q)) malformed('unexpected EOF in length-delimited field');
      const end = q + Number(len);
      out.push({ num, wire, varint: 0n, bytes: buf.subarray(q, end) }); pos = end;
    } else {
      malformed(`illegal wire type ${wire} for field ${num}`);
    }
  }
  return out;
}

// unpackVarints reads a packed repeated varint field (proto3 style, also legal in proto2).
export function unpackVarints(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < bytes.length) { const [v, p] = readVarint(bytes, pos); out.push(v); pos = p; }
  return out;
}

// unpackFixed reads a packed repeated fixed-width field (double/fixed64 = 8, float/fixed32 = 4).
export function unpackFixed(bytes: Uint8Array, n: 4 | 8): bigint[] {
  if (bytes.length % n !== 0) malformed('packed fixed-width field of a bad length');
  const out: bigint[] = [];
  for (let pos = 0; pos < bytes.length; pos += n) out.push(readFixed(bytes, pos, n));
  return out;
}

// toInt64 reinterprets a raw varint as a signed 64-bit integer, as a number (exact below 2^53).
export function toInt64(v: bigint): number { return Number(BigInt.asIntN(64, v)); }
// toInt32 reinterprets a raw varint as a signed 32-bit integer (negative int32s use 10 bytes).
export function toInt32(v: bigint): number { return Number(BigInt.asIntN(32, v)); }
// toDouble reinterprets the 64 bits of a fixed64 field as an IEEE 754 double.
export function toDouble(v: bigint): number {
  const dv = new DataView(new ArrayBuffer(8)); dv.setBigUint64(0, v, true); return dv.getFloat64(0, true);
}
// toFloat reinterprets the 32 bits of a fixed32 field as an IEEE 754 float.
export function toFloat(v: bigint): number {
  const dv = new DataView(new ArrayBuffer(4)); dv.setUint32(0, Number(v), true); return dv.getFloat32(0, true);
}

// Writer builds a message field by field; nested messages are written from their own Writer's bytes.
export class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  // finish returns the message's bytes.
  finish(): Uint8Array { return Buffer.concat(this.parts, this.size); }

  private push(b: Uint8Array): void { this.parts.push(b); this.size += b.length; }

  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    const bytes: number[] = [];
    while (x >= 0x80n) { bytes.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
    bytes.push(Number(x));
    this.push(Uint8Array.from(bytes));
  }

  // uint writes a varint field (int32/int64/uint64/enum); negative values take 10 bytes, as in Go.
  uint(num: number, v: number | bigint): this { this.varint(BigInt(num << 3)); this.varint(BigInt(v)); return this; }
  // bool writes a varint 0/1 field.
  bool(num: number, v: boolean): this { return this.uint(num, v ? 1 : 0); }
  // double writes a fixed64 IEEE 754 field.
  double(num: number, v: number): this {
    const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true);
    this.varint(BigInt((num << 3) | 1)); this.push(b); return this;
  }
  // bytes writes a length-delimited field (a nested message's finish(), raw bytes).
  bytes(num: number, b: Uint8Array): this { this.varint(BigInt((num << 3) | 2)); this.varint(BigInt(b.length)); this.push(b); return this; }
  // string writes a length-delimited UTF-8 field.
  string(num: number, s: string): this { return this.bytes(num, Buffer.from(s, 'utf8')); }
}
