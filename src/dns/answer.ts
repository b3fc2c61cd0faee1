// Response assembly: a Prebuilt answer (or records built per query) behind the query's own header and
// question, with the EDNS OPT record echoed when the query had one. Everything here is synchronous.
import type { Query } from './message.ts';
import { HEADER_LEN } from './message.ts';
import { RCODE, TYPE } from './records.ts';
import type { Rr } from './records.ts';
import type { Prebuilt } from './snapshot.ts';
import { Writer, keyName } from './wire.ts';

// EDNS_SIZE is the UDP payload size the server advertises (the DNS Flag Day 2020 value).
export const EDNS_SIZE = 1232;
const OPT_LEN = 11;
const FLAG_QR = 0x80;
const FLAG_AA = 0x04;
const FLAG_TC = 0x02;
const FLAG_RA = 0x80;

// respond builds the response to q from a Prebuilt answer. aa marks answers from our own zone.
export function respond(msg: Buffer, q: Query, p: Prebuilt, ra: boolean, aa = true): Buffer {
  const opt = q.edns ? OPT_LEN : 0;
  const out = Buffer.allocUnsafe(q.qEnd + p.body.length + opt);
  writeHeader(out, msg, p.rcode, aa, ra);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(p.an, 6);
  out.writeUInt16BE(p.ns, 8);
  out.writeUInt16BE(p.ar + (opt ? 1 : 0), 10);
  msg.copy(out, HEADER_LEN, HEADER_LEN, q.qEnd);
  p.body.copy(out, q.qEnd);
  if (opt) writeOpt(out, q.qEnd + p.body.length, q, p.rcode);
  return out;
}

function writeHeader(out: Buffer, msg: Buffer, rcode: number, aa: boolean, ra: boolean): void {
  out[0] = msg[0] ?? 0;
  out[1] = msg[1] ?? 0;
  out[2] = FLAG_QR | (aa ? FLAG_AA : 0) | ((msg[2] ?? 0) & 0x01);
  out[3] = (ra ? FLAG_RA : 0) | ((msg[3] ?? 0) & 0x10) | (rcode & 0x0f);
}

// writeOpt writes the OPT pseudo-record (RFC 6891): our UDP size, the extended rcode, the DO bit echoed.
function writeOpt(out: Buffer, at: number, q: Query, rcode: number): void {
  out[at] = 0;
  out.writeUInt16BE(TYPE.OPT, at + 1);
  out.writeUInt16BE(EDNS_SIZE, at + 3);
  out[at + 5] = rcode >> 4;
  out[at + 6] = 0;
  out[at + 7] = q.dnssecOk ? 0x80 : 0;
  out[at + 8] = 0;
  out.writeUInt16BE(0, at + 9);
}

// respondRecords builds a response from records computed for this query (pod names, chased CNAMEs).
export function respondRecords(msg: Buffer, q: Query, rcode: number, an: Rr[], ns: Rr[], ra: boolean): Buffer {
  const w = new Writer(512);
  for (let i = 0; i < HEADER_LEN; i++) w.u8(0);
  w.bytes(msg.subarray(HEADER_LEN, q.qEnd));
  w.seed(keyName(q.key), HEADER_LEN);
  for (const rr of an) w.rr(rr);
  for (const rr of ns) w.rr(rr);
  const body = w.finish().subarray(q.qEnd);
  return respond(msg, q, { rcode, an: an.length, ns: ns.length, ar: 0, body }, ra);
}

// errorResponse answers with an rcode only. The question is echoed when q is known (it parsed).
export function errorResponse(msg: Buffer, rcode: number, q: Query | null, ra: boolean): Buffer {
  if (q) return respond(msg, q, { rcode, an: 0, ns: 0, ar: 0, body: Buffer.alloc(0) }, ra, false);
  const out = Buffer.alloc(HEADER_LEN);
  writeHeader(out, msg, rcode, false, ra);
  out[2] = (out[2] ?? 0) | ((msg[2] ?? 0) & 0x78);
  return out;
}

// truncated is the TC=1 reply to a UDP query whose answer does not fit: header, question, OPT.
export function truncated(msg: Buffer, q: Query, full: Buffer): Buffer {
  const out = errorResponse(msg, full[3] !== undefined ? full[3] & 0x0f : RCODE.NOERROR, q, ((full[3] ?? 0) & FLAG_RA) !== 0);
  out[2] = (full[2] ?? 0) | FLAG_TC;
  return out;
}
