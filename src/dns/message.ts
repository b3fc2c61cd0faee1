// Query parsing for the hot path: only the header, the one question, and the EDNS OPT record are read.
// Anything malformed yields an rcode (FORMERR) or null (drop: too short to answer, or not a query).
import { RCODE, TYPE } from './records.ts';

export const HEADER_LEN = 12;
const MAX_NAME = 255;
export const MIN_UDP = 512;
export const MAX_UDP = 4096;

// Query is one parsed question. key is the lowercased wire name (see wire.nameKey); qEnd is the offset
// just after QCLASS, so bytes [12, qEnd) are the question to echo.
export interface Query {
  id: number;
  opcode: number;
  rd: boolean;
  key: string;
  qtype: number;
  qclass: number;
  qEnd: number;
  edns: boolean;
  ednsVersion: number;
  dnssecOk: boolean;
  udpSize: number;
}

// parseQuery parses a query message. It returns null for messages to drop (shorter than a header, or
// responses), an rcode for messages to refuse (FORMERR, NOTIMP), or the Query.
export function parseQuery(msg: Buffer): Query | number | null {
  if (msg.length < HEADER_LEN) return null;
  const b2 = msg[2] ?? 0;
  if (b2 & 0x80) return null;
  const opcode = (b2 >> 3) & 0x0f;
  if (opcode !== 0) return RCODE.NOTIMP;
  if (msg.readUInt16BE(4) !== 1) return RCODE.FORMERR;
  let off = HEADER_LEN;
  let key = '';
  for (;;) {
    if (off >= msg.length) return RCODE.FORMERR;
    const n = msg[off] ?? 0;
    if (n === 0) break;
    if (n > 63 || off + 1 + n >= msg.length) return RCODE.FORMERR;
    off += n + 1;
  }
  if (off - HEADER_LEN + 1 > MAX_NAME || off + 5 > msg.length) return RCODE.FORMERR;
  if (off > HEADER_LEN) key = msg.toString('latin1', HEADER_LEN, off).toLowerCase();
  const q: Query = {
    id: msg.readUInt16BE(0), opcode, rd: (b2 & 1) === 1, key,
    qtype: msg.readUInt16BE(off + 1), qclass: msg.readUInt16BE(off + 3), qEnd: off + 5,
    edns: false, ednsVersion: 0, dnssecOk: false, udpSize: MIN_UDP,
  };
  const rest = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  if (rest > 0 && !readOpt(msg, q, rest)) return RCODE.FORMERR;
  return q;
}

// readOpt skips the records after the question and records the OPT pseudo-record's fields in q.
// It returns false when a record is malformed or there is more than one OPT.
function readOpt(msg: Buffer, q: Query, count: number): boolean {
  let off = q.qEnd;
  for (let i = 0; i < count; i++) {
    const end = skipName(msg, off);
    if (end < 0 || end + 10 > msg.length) return false;
    const type = msg.readUInt16BE(end);
    const rdlen = msg.readUInt16BE(end + 8);
    if (end + 10 + rdlen > msg.length) return false;
    if (type === TYPE.OPT) {
      if (q.edns || end !== off + 1) return false;
      q.edns = true;
      q.udpSize = Math.min(MAX_UDP, Math.max(MIN_UDP, msg.readUInt16BE(end + 2)));
      q.ednsVersion = msg[end + 5] ?? 0;
      q.dnssecOk = ((msg[end + 6] ?? 0) & 0x80) !== 0;
    }
    off = end + 10 + rdlen;
  }
  return true;
}

// skipName returns the offset after a (possibly compressed) name at off, or -1 when malformed.
export function skipName(msg: Buffer, off: number): number {
  for (let i = 0; i < 128; i++) {
    if (off >= msg.length) return -1;
    const n = msg[off] ?? 0;
    if (n === 0) return off + 1;
    if ((n & 0xc0) === 0xc0) return off + 2 <= msg.length ? off + 2 : -1;
    if (n > 63) return -1;
    off += n + 1;
  }
  return -1;
}

// readName decodes a possibly compressed name at off into dotted lowercase text. Pointers must point
// backwards (which also rules out loops); it returns undefined when the name is malformed.
export function readName(msg: Buffer, off: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let end = -1;
  let total = 0;
  for (let hops = 0; hops < 128; hops++) {
    if (off >= msg.length) return undefined;
    const n = msg[off] ?? 0;
    if (n === 0) { if (end < 0) end = off + 1; return { name: labels.join('.').toLowerCase(), end }; }
    if ((n & 0xc0) === 0xc0) {
      if (off + 2 > msg.length) return undefined;
      const ptr = msg.readUInt16BE(off) & 0x3fff;
      if (ptr >= off) return undefined;
      if (end < 0) end = off + 2;
      off = ptr;
      continue;
    }
    if (n > 63 || off + 1 + n > msg.length) return undefined;
    total += n + 1;
    if (total > MAX_NAME) return undefined;
    labels.push(msg.toString('latin1', off + 1, off + 1 + n));
    off += n + 1;
  }
  return undefined;
}
