// parseResponse reads the records of a response (from an upstream) without copying: owner, type, TTL
// and where the TTL and RDATA sit, for the cache (TTL rewrite) and CNAME chasing (re-encoding).
import { HEADER_LEN, readName, skipName } from './message.ts';
import { TYPE } from './records.ts';
import type { Rr } from './records.ts';

export interface RawRecord {
  name: string;
  type: number;
  ttl: number;
  ttlAt: number;
  rdataAt: number;
  rdlen: number;
  section: 'answer' | 'authority' | 'additional';
}

export interface ParsedResponse {
  id: number;
  rcode: number;
  tc: boolean;
  records: RawRecord[];
}

// parseResponse returns undefined for a message that is not a well-formed response.
export function parseResponse(msg: Buffer): ParsedResponse | undefined {
  if (msg.length < HEADER_LEN || !((msg[2] ?? 0) & 0x80)) return undefined;
  let off = HEADER_LEN;
  for (let i = msg.readUInt16BE(4); i > 0; i--) {
    off = skipName(msg, off);
    if (off < 0 || off + 4 > msg.length) return undefined;
    off += 4;
  }
  const counts: [RawRecord['section'], number][] = [
    ['answer', msg.readUInt16BE(6)], ['authority', msg.readUInt16BE(8)], ['additional', msg.readUInt16BE(10)]];
  const records: RawRecord[] = [];
  for (const [section, n] of counts) {
    for (let i = 0; i < n; i++) {
      const name = readName(msg, off);
      if (!name || name.end + 10 > msg.length) return undefined;
      const at = name.end;
      const rdlen = msg.readUInt16BE(at + 8);
      if (at + 10 + rdlen > msg.length) return undefined;
      records.push({ name: name.name, type: msg.readUInt16BE(at), ttl: msg.readUInt32BE(at + 4), ttlAt: at + 4, rdataAt: at + 10, rdlen, section });
      off = at + 10 + rdlen;
    }
  }
  return { id: msg.readUInt16BE(0), rcode: ((msg[3] ?? 0) & 0x0f), tc: ((msg[2] ?? 0) & 0x02) !== 0, records };
}

// toRr converts an A, AAAA or CNAME record of msg to the record model (other types: undefined).
export function toRr(msg: Buffer, r: RawRecord): Rr | undefined {
  const base = { name: r.name, ttl: r.ttl };
  if (r.type === TYPE.A && r.rdlen === 4) return { ...base, type: 'A', address: [...msg.subarray(r.rdataAt, r.rdataAt + 4)].join('.') };
  if (r.type === TYPE.AAAA && r.rdlen === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(msg.readUInt16BE(r.rdataAt + i).toString(16));
    return { ...base, type: 'AAAA', address: groups.join(':') };
  }
  if (r.type === TYPE.CNAME) {
    const t = readName(msg, r.rdataAt);
    return t ? { ...base, type: 'CNAME', target: t.name } : undefined;
  }
  return undefined;
}
