// cachePlugin keeps forwarded answers (NOERROR and NXDOMAIN, not truncated) for the smallest TTL in
// them (negative answers: the SOA's TTL and MINIMUM, RFC 2308), capped at maxTtl. A hit is the stored
// message with the client's ID and question bytes, and every TTL lowered by the time spent in the cache.
import { parseResponse } from '../parse-response.ts';
import { RCODE, TYPE } from '../records.ts';
import type { DnsRequest, Handler, Plugin } from '../plugin.ts';
import type { Query } from '../message.ts';

export interface CacheOptions {
  maxEntries?: number;   // default 10000; the oldest entry goes first
  maxTtl?: number;       // seconds; default 3600
  now?: () => number;    // ms clock, for tests
  onHit?: () => void;
  onMiss?: () => void;
}

interface Entry { msg: Buffer; storedAt: number; expiresAt: number; ttls: { at: number; ttl: number }[] }

export function cachePlugin(o: CacheOptions = {}): Plugin {
  const max = o.maxEntries ?? 10_000;
  const maxTtl = o.maxTtl ?? 3600;
  const now = o.now ?? Date.now;
  const entries = new Map<string, Entry>();
  return (next: Handler): Handler => (req: DnsRequest) => {
    const key = cacheKey(req.q);
    const e = entries.get(key);
    const t = now();
    if (e && e.expiresAt > t) { o.onHit?.(); return fromEntry(e, req, t); }
    if (e) entries.delete(key);
    o.onMiss?.();
    const res = next(req);
    const store = (b: Buffer) => {
      const entry = toEntry(b, now(), maxTtl);
      if (entry) {
        entries.set(key, entry);
        if (entries.size > max) { const first = entries.keys().next(); if (!first.done) entries.delete(first.value); }
      }
      return b;
    };
    return res instanceof Promise ? res.then(store) : store(res);
  };
}

function cacheKey(q: Query): string {
  return `${q.key}/${q.qtype}/${q.qclass}/${q.edns ? 1 : 0}${q.dnssecOk ? 1 : 0}`;
}

function toEntry(msg: Buffer, t: number, maxTtl: number): Entry | undefined {
  const p = parseResponse(msg);
  if (!p || p.tc || (p.rcode !== RCODE.NOERROR && p.rcode !== RCODE.NXDOMAIN)) return undefined;
  let ttl = maxTtl;
  const ttls: Entry['ttls'] = [];
  for (const r of p.records) {
    if (r.type === TYPE.OPT) continue;
    ttls.push({ at: r.ttlAt, ttl: r.ttl });
    const min = r.type === TYPE.SOA && r.section === 'authority' ? Math.min(r.ttl, soaMinimum(msg, r.rdataAt + r.rdlen)) : r.ttl;
    ttl = Math.min(ttl, min);
  }
  if (ttl <= 0) return undefined;
  return { msg: Buffer.from(msg), storedAt: t, expiresAt: t + ttl * 1000, ttls };
}

// soaMinimum reads the MINIMUM field, the last 4 bytes of SOA RDATA ending at end.
function soaMinimum(msg: Buffer, end: number): number {
  return end >= 4 ? msg.readUInt32BE(end - 4) : 0;
}

function fromEntry(e: Entry, req: DnsRequest, t: number): Buffer {
  const out = Buffer.from(e.msg);
  out.writeUInt16BE(req.q.id, 0);
  if (out.readUInt16BE(4) === 1 && out.length >= req.q.qEnd) req.msg.copy(out, 12, 12, req.q.qEnd);
  const elapsed = Math.floor((t - e.storedAt) / 1000);
  for (const { at, ttl } of e.ttls) out.writeUInt32BE(Math.max(0, ttl - elapsed), at);
  return out;
}
