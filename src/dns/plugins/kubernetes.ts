// kubernetesPlugin answers the cluster zone (and PTR queries for cluster addresses) from the current
// Snapshot. Names outside the zone, and reverse names it does not know, go to next (CoreDNS's
// "fallthrough in-addr.arpa ip6.arpa"). It never reads the cluster state on the data path.
import { errorResponse, respond, respondRecords } from '../answer.ts';
import { ipFromDashed } from '../ip.ts';
import { CLASS_IN, RCODE, TYPE } from '../records.ts';
import type { Rr } from '../records.ts';
import type { Handler, DnsRequest, Plugin } from '../plugin.ts';
import { parseResponse, toRr } from '../parse-response.ts';
import type { Snapshot } from '../snapshot.ts';
import { isSubKey } from '../snapshot.ts';
import { keyLabels, nameKey } from '../wire.ts';

export interface KubernetesPluginOptions {
  // snapshot returns the current Snapshot, or undefined before the lookup has synced (then: SERVFAIL).
  snapshot: () => Snapshot | undefined;
  zone: string;
  // ra is the RA flag of our answers (true when a forwarder follows).
  ra: boolean;
}

// REFUSED_TYPES are refused in the zone: ANY (RFC 8482 lets a server decline it; REFUSED tells clients
// plainly not to expect it) and zone transfers (nobody is authorized to copy the cluster's names).
const REFUSED_TYPES = new Set<number>([TYPE.ANY, TYPE.AXFR, TYPE.IXFR]);

export function kubernetesPlugin(o: KubernetesPluginOptions): Plugin {
  const zoneKey = nameKey(o.zone);
  return (next: Handler): Handler => (req: DnsRequest) => {
    const { q, msg } = req;
    const snap = o.snapshot();
    if (!isSubKey(q.key, zoneKey)) {
      const entry = q.qtype === TYPE.PTR ? snap?.names.get(q.key) : undefined;
      return snap && entry?.records.has(TYPE.PTR) ? respond(msg, q, snap.answer(entry, TYPE.PTR), o.ra) : next(req);
    }
    if (!snap) return errorResponse(msg, RCODE.SERVFAIL, q, o.ra);
    if (q.qclass !== CLASS_IN) return errorResponse(msg, RCODE.REFUSED, q, o.ra);
    if (REFUSED_TYPES.has(q.qtype)) return errorResponse(msg, RCODE.REFUSED, q, o.ra);
    const entry = snap.names.get(q.key);
    if (entry) {
      if (entry.cname !== undefined && q.qtype !== TYPE.CNAME) return chaseCname(req, snap, entry.cname, next, o.ra);
      return respond(msg, q, entry.answers.get(q.qtype) ?? snap.answer(entry, q.qtype), o.ra);
    }
    return podAnswer(req, snap, o.ra) ?? respond(msg, q, snap.nxdomain, o.ra);
  };
}

// podAnswer answers <a-b-c-d>.<ns>.pod.<zone> ("pods insecure": any well-formed address, unverified),
// and the empty non-terminals pod.<zone> and <ns>.pod.<zone> with NODATA.
function podAnswer(req: DnsRequest, snap: Snapshot, ra: boolean): Buffer | undefined {
  const { q, msg } = req;
  const podZone = snap.podKey;
  if (!isSubKey(q.key, podZone)) return undefined;
  const labels = keyLabels(q.key.slice(0, q.key.length - podZone.length));
  if (labels.length > 2) return undefined;
  if (labels.length < 2) return respondRecords(msg, q, RCODE.NOERROR, [], [snap.soa], ra);
  const ip = ipFromDashed(labels[0] ?? '');
  if (!ip) return undefined;
  const type = ip.family === 4 ? TYPE.A : TYPE.AAAA;
  if (q.qtype !== type) return respondRecords(msg, q, RCODE.NOERROR, [], [snap.soa], ra);
  const name = labels.join('.') + `.pod.${snap.zone}`;
  return respondRecords(msg, q, RCODE.NOERROR, [{ name, ttl: snap.ttl, type: ip.family === 4 ? 'A' : 'AAAA', address: ip.ip }], [], ra);
}

// chaseCname answers an ExternalName Service: its CNAME, followed by the target's records of the asked
// type — from the snapshot when the target is in the zone, otherwise from the rest of the chain.
async function chaseCname(req: DnsRequest, snap: Snapshot, target: string, next: Handler, ra: boolean): Promise<Buffer> {
  const { q, msg } = req;
  const cname = snap.names.get(q.key)?.records.get(TYPE.CNAME) ?? [];
  const tail: Rr[] = [];
  const tkey = nameKey(target);
  if (snap.inZone(tkey)) {
    tail.push(...(snap.names.get(tkey)?.records.get(q.qtype) ?? []));
  } else {
    try {
      const sub = subQuery(msg, target, q.qtype);
      const res = await next({ ...req, msg: sub.msg, q: { ...q, key: tkey, qEnd: sub.qEnd, edns: false } });
      const parsed = parseResponse(res);
      for (const r of parsed?.records ?? []) {
        const rr = r.section === 'answer' ? toRr(res, r) : undefined;
        if (rr) tail.push(rr);
      }
    } catch { /* the CNAME alone is still a correct answer */ }
  }
  return respondRecords(msg, q, RCODE.NOERROR, [...cname, ...tail], [], ra);
}

// subQuery builds a query (same ID and flags, no EDNS) for target with type qtype.
function subQuery(msg: Buffer, target: string, qtype: number): { msg: Buffer; qEnd: number } {
  const labels = target === '' ? [] : target.split('.');
  const nameLen = labels.reduce((n, l) => n + l.length + 1, 1);
  const out = Buffer.alloc(12 + nameLen + 4);
  msg.copy(out, 0, 0, 4);
  out.writeUInt16BE(1, 4);
  let off = 12;
  for (const l of labels) { out[off++] = l.length; off += out.write(l, off, 'latin1'); }
  out[off++] = 0;
  out.writeUInt16BE(qtype, off);
  out.writeUInt16BE(CLASS_IN, off + 2);
  return { msg: out, qEnd: off + 4 };
}
