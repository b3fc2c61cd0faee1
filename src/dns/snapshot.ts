// Snapshot is the compiled, immutable form of the zone the data path reads: for every owner name, the
// encoded bytes of every answer after the question, so a query costs one Map lookup and a copy.
// A new Snapshot is built on every change and swapped in whole (see SnapshotRunner).
import { RCODE, TYPE } from './records.ts';
import type { Rr } from './records.ts';
import type { Records } from './zone.ts';
import { Writer, keyName, nameKey } from './wire.ts';
import { HEADER_LEN } from './message.ts';

// Prebuilt is an answer without its header and question: the rcode, section counts and the bytes of the
// answer, authority and additional sections. Name pointers in body assume the question name sits at
// offset 12 with the same length as the owner name (true for any case variant of it).
export interface Prebuilt {
  rcode: number;
  an: number;
  ns: number;
  ar: number;
  body: Buffer;
}

// NameEntry is one existing owner name: its answers by qtype, the NODATA answer for the other types,
// and, for a CNAME owner (ExternalName), the single answer every type gets.
export interface NameEntry {
  types: Map<number, Prebuilt>;
  nodata: Prebuilt;
  cname?: { answer: Prebuilt; target: string };
  records: Map<number, Rr[]>;
}

export class Snapshot {
  readonly zone: string;
  readonly zoneKey: string;
  readonly ttl: number;
  readonly names: ReadonlyMap<string, NameEntry>;
  readonly soa: Rr;
  // nxdomain is the NXDOMAIN answer for any name of the zone (its SOA owner is written uncompressed).
  readonly nxdomain: Prebuilt;

  constructor(zone: string, ttl: number, names: ReadonlyMap<string, NameEntry>, soa: Rr) {
    this.zone = zone;
    this.zoneKey = nameKey(zone);
    this.ttl = ttl;
    this.names = names;
    this.soa = soa;
    this.nxdomain = negative(RCODE.NXDOMAIN, soa, null);
  }

  // inZone reports whether key (a nameKey) is the zone apex or a name below it.
  inZone(key: string): boolean {
    return isSubKey(key, this.zoneKey);
  }
}

// isSubKey reports whether key equals suffix or ends with it at a label boundary.
export function isSubKey(key: string, suffix: string): boolean {
  if (!key.endsWith(suffix)) return false;
  const stop = key.length - suffix.length;
  let i = 0;
  while (i < stop) i += key.charCodeAt(i) + 1;
  return i === stop;
}

// buildSnapshot encodes every answer of records; names between the apex and an owner name (empty
// non-terminals such as svc.<zone> or <ns>.svc.<zone>) exist and answer NODATA.
export function buildSnapshot(records: Records, zone: string, ttl: number): Snapshot {
  const names = new Map<string, NameEntry>();
  const zoneKey = nameKey(zone);
  for (const [name, types] of records.byName) {
    const key = nameKey(name);
    names.set(key, buildEntry(name, types, records));
    if (isSubKey(key, zoneKey)) addEmptyNonTerminals(names, key, zoneKey, records.soa);
  }
  return new Snapshot(zone, ttl, names, records.soa);
}

function addEmptyNonTerminals(names: Map<string, NameEntry>, key: string, zoneKey: string, soa: Rr): void {
  let k = key;
  while (k.length > zoneKey.length) {
    k = k.slice(k.charCodeAt(0) + 1);
    if (names.has(k)) continue;
    const name = keyName(k);
    names.set(k, { types: new Map(), records: new Map(), nodata: negative(RCODE.NOERROR, soa, name) });
  }
}

function buildEntry(name: string, types: Map<number, Rr[]>, records: Records): NameEntry {
  const entry: NameEntry = { types: new Map(), records: types, nodata: negative(RCODE.NOERROR, records.soa, name) };
  const cname = types.get(TYPE.CNAME)?.[0];
  if (cname && cname.type === 'CNAME') entry.cname = { answer: encode(name, TYPE.CNAME, [cname], [], []), target: cname.target };
  for (const [type, rrs] of types) entry.types.set(type, encode(name, type, rrs, [], type === TYPE.SRV ? records.additional.get(name) ?? [] : []));
  return entry;
}

// encode builds a Prebuilt for (qname, qtype) by encoding a whole response and cutting off its head.
export function encode(qname: string, qtype: number, an: Rr[], ns: Rr[], ar: Rr[], rcode: number = RCODE.NOERROR): Prebuilt {
  const w = new Writer(512);
  for (let i = 0; i < HEADER_LEN; i++) w.u8(0);
  w.name(qname);
  w.u16(qtype);
  w.u16(1);
  const start = w.length;
  for (const rr of an) w.rr(rr);
  for (const rr of ns) w.rr(rr);
  for (const rr of ar) w.rr(rr);
  return { rcode, an: an.length, ns: ns.length, ar: ar.length, body: Buffer.from(w.finish().subarray(start)) };
}

// negative is an NXDOMAIN or NODATA answer: the zone SOA in the authority section (RFC 2308). With
// qname null the SOA is encoded uncompressed, so the body fits after any question.
export function negative(rcode: number, soa: Rr, qname: string | null): Prebuilt {
  if (qname !== null) return encode(qname, 0, [], [soa], [], rcode);
  const w = new Writer(128, false);
  w.rr(soa);
  return { rcode, an: 0, ns: 1, ar: 0, body: Buffer.from(w.finish()) };
}
