// Snapshot is the compiled form of the zone the data path reads: every owner name with its records and,
// once asked, the encoded bytes of each answer after the question, so a query costs a Map lookup and a copy.
// SnapshotRunner keeps one ZoneNames up to date per change and wraps it in a new Snapshot (new SOA serial).
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

// NameEntry is one existing owner name with its records by type code. Answers are encoded on the first
// query of each (name, type) and memoized in answers, so a rebuild encodes nothing and a repeated query
// costs one Map lookup (see Snapshot.answer). Entries hold no snapshot-wide data (the SOA serial lives in
// the Snapshot), so an unchanged Service's entries, memos included, are carried into the next Snapshot.
export interface NameEntry {
  key: string;                     // nameKey(name)
  name: string;
  records: ReadonlyMap<number, Rr[]>; // empty for an empty non-terminal
  additional: Rr[] | undefined;    // addresses of SRV targets
  answers: Map<number, Prebuilt>;
  cname: string | undefined;       // a CNAME owner (ExternalName): other types chase this target
}

// Fragment is the compiled form of one Service (or of the apex): its owner entries, and the empty
// non-terminals above them, to be added when no owner claims those names.
export interface Fragment {
  entries: NameEntry[];
  ents: NameEntry[];
}

// Snapshot is what one query reads. Its names map is live (ZoneNames): a Snapshot is current until the next
// build, and a query never spans two. The memoized encodings are a pure function of an entry's records.
export class Snapshot {
  readonly zone: string;
  readonly zoneKey: string;
  readonly podKey: string;  // nameKey(pod.<zone>), kept so NXDOMAIN checks build no strings
  readonly ttl: number;
  readonly names: ReadonlyMap<string, NameEntry>;
  readonly soa: Rr;
  // nxdomain and nodata are the negative answers for any name (the SOA owner written uncompressed).
  readonly nxdomain: Prebuilt;
  readonly nodata: Prebuilt;

  constructor(zone: string, ttl: number, names: ReadonlyMap<string, NameEntry>, soa: Rr) {
    this.zone = zone;
    this.zoneKey = nameKey(zone);
    this.podKey = nameKey(`pod.${zone}`);
    this.ttl = ttl;
    this.names = names;
    this.soa = soa;
    this.nxdomain = negative(RCODE.NXDOMAIN, soa);
    this.nodata = negative(RCODE.NOERROR, soa);
  }

  // inZone reports whether key (a nameKey) is the zone apex or a name below it.
  inZone(key: string): boolean {
    return isSubKey(key, this.zoneKey);
  }

  // answer is the Prebuilt answer of entry for qtype: its records, or NODATA. Only types with records
  // are memoized (a client cycling through 65536 types must not grow the map).
  answer(entry: NameEntry, qtype: number): Prebuilt {
    const memo = entry.answers.get(qtype);
    if (memo) return memo;
    const rrs = entry.records.get(qtype);
    if (!rrs) return this.nodata;
    const p = encode(entry.name, qtype, rrs, [], qtype === TYPE.SRV ? entry.additional ?? [] : []);
    entry.answers.set(qtype, p);
    return p;
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

// fragmentOf turns records into entries keyed by wire name, plus the empty non-terminals between the
// zone apex and each owner in the zone (svc.<zone>, <ns>.svc.<zone>, _tcp.<svc>…), which answer NODATA.
export function fragmentOf(records: Pick<Records, 'byName' | 'additional'>, zoneKey: string): Fragment {
  const f: Fragment = { entries: [], ents: [] };
  const seen = new Set<string>();
  for (const [name, types] of records.byName) {
    const key = nameKey(name);
    const cname = types.get(TYPE.CNAME)?.[0];
    f.entries.push({ key, name, records: types, additional: records.additional.get(name), answers: new Map(), cname: cname?.type === 'CNAME' ? cname.target : undefined });
    seen.add(key);
  }
  for (const e of f.entries) {
    if (!isSubKey(e.key, zoneKey)) continue;
    for (let k = e.key; k.length > zoneKey.length;) {
      k = k.slice(k.charCodeAt(0) + 1);
      if (seen.has(k)) break;
      seen.add(k);
      f.ents.push({ key: k, name: keyName(k), records: NO_RECORDS, additional: undefined, answers: new Map(), cname: undefined });
    }
  }
  return f;
}

const NO_RECORDS: ReadonlyMap<number, Rr[]> = new Map();

// ZoneNames is the live names map of the zone, kept up to date fragment by fragment: add and remove cost
// what the fragment holds, not what the zone holds. A name several fragments own (the PTR of a pod behind two
// headless Services) is their merge; an empty non-terminal (svc.<zone>, <ns>.svc.<zone>…) is present while
// some fragment needs it and no fragment owns the name. Snapshots read `names` in place: the map is changed
// only between two queries (the event loop runs one at a time), never during one.
export class ZoneNames {
  readonly names = new Map<string, NameEntry>();
  readonly #owners = new Map<string, NameEntry[]>();
  readonly #ents = new Map<string, { entry: NameEntry; count: number }>();

  add(f: Fragment): void {
    for (const e of f.entries) {
      const list = this.#owners.get(e.key);
      if (list) list.push(e); else this.#owners.set(e.key, [e]);
      this.#refresh(e.key);
    }
    for (const e of f.ents) {
      const c = this.#ents.get(e.key);
      if (c) c.count++; else this.#ents.set(e.key, { entry: e, count: 1 });
      if (!this.#owners.has(e.key) && !c) this.names.set(e.key, e);
    }
  }

  remove(f: Fragment): void {
    for (const e of f.entries) {
      const list = this.#owners.get(e.key);
      if (!list) continue;
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#owners.delete(e.key);
      this.#refresh(e.key);
    }
    for (const e of f.ents) {
      const c = this.#ents.get(e.key);
      if (!c) continue;
      // every fragment's entry for one empty non-terminal is alike, so the first one added serves for all
      if (--c.count > 0) continue;
      this.#ents.delete(e.key);
      if (!this.#owners.has(e.key)) this.names.delete(e.key);
    }
  }

  #refresh(key: string): void {
    const list = this.#owners.get(key);
    if (list) { this.names.set(key, list.reduce(merge)); return; }
    const ent = this.#ents.get(key);
    if (ent) this.names.set(key, ent.entry); else this.names.delete(key);
  }
}

// assemble builds a Snapshot from fragments at once (owners merged, then the empty non-terminals nobody owns).
export function assemble(zone: string, ttl: number, soa: Rr, fragments: Iterable<Fragment>): Snapshot {
  const z = new ZoneNames();
  for (const f of fragments) z.add(f);
  return new Snapshot(zone, ttl, z.names, soa);
}

function merge(a: NameEntry, b: NameEntry): NameEntry {
  const records = new Map(a.records);
  for (const [t, rrs] of b.records) records.set(t, [...(records.get(t) ?? []), ...rrs]);
  const additional = a.additional || b.additional ? [...(a.additional ?? []), ...(b.additional ?? [])] : undefined;
  return { key: a.key, name: a.name, records, additional, answers: new Map(), cname: a.cname ?? b.cname };
}

// buildSnapshot is assemble over one set of records (the whole zone at once).
export function buildSnapshot(records: Records, zone: string, ttl: number): Snapshot {
  return assemble(zone, ttl, records.soa, [fragmentOf(records, nameKey(zone))]);
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

// negative is an NXDOMAIN or NODATA answer: the zone SOA in the authority section (RFC 2308), its owner
// written uncompressed so the same body fits after any question.
export function negative(rcode: number, soa: Rr): Prebuilt {
  const w = new Writer(128, false);
  w.rr(soa);
  return { rcode, an: 0, ns: 1, ar: 0, body: Buffer.from(w.finish()) };
}
