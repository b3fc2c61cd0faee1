// compileZone is the pure half of the kubernetes plugin: the cluster state, turned into the records the
// Kubernetes DNS specification (schema 1.1.0) requires, grouped by owner name. No I/O, no clock.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { dashedIP, ipFamily, reverseName } from './ip.ts';
import type { DnsLookup } from './lookup.ts';
import { TYPE, formatRr } from './records.ts';
import type { Rr } from './records.ts';

export const SCHEMA_VERSION = '1.1.0';

export interface ZoneOptions {
  zone: string;     // cluster domain, e.g. cluster.local (lowercase, no trailing dot)
  ttl: number;      // TTL of every record and of negative answers
  serial: number;   // SOA serial
}

// Records is every owner name of the zone and the reverse zones, with its records by type code.
// Additional holds the records worth adding to an answer of that (name, type) (SRV targets' addresses).
export interface Records {
  byName: Map<string, Map<number, Rr[]>>;
  additional: Map<string, Rr[]>;
  soa: Rr;
  seen: Set<string>; // formatRr of every record added, for deduplication
}

// compileZone computes Records from the lookup's current state: the apex, then every Service's records.
export function compileZone(lookup: DnsLookup, o: ZoneOptions): Records {
  const r = apexRecords(o);
  for (const svc of lookup.services()) {
    const ns = svc.metadata?.namespace;
    const name = svc.metadata?.name;
    const part = ns && name ? compileService(svc, needsSlices(svc) ? lookup.slicesFor(ns, name) : [], o) : undefined;
    if (!part) continue;
    for (const types of part.byName.values()) for (const rrs of types.values()) for (const rr of rrs) add(r, rr);
    for (const [owner, rrs] of part.additional) addAdditional(r, owner, rrs);
  }
  return r;
}

// apexRecords is the zone's own records: SOA, NS and the schema version TXT (§2.2).
export function apexRecords(o: ZoneOptions): Records {
  const r: Records = { byName: new Map(), additional: new Map(), soa: soaRecord(o.zone, o), seen: new Set() };
  add(r, r.soa);
  add(r, { name: o.zone, ttl: o.ttl, type: 'NS', target: `ns.dns.${o.zone}` });
  add(r, { name: `dns-version.${o.zone}`, ttl: o.ttl, type: 'TXT', text: [SCHEMA_VERSION] });
  return r;
}

// needsSlices reports whether a Service's records depend on its EndpointSlices (headless ones only).
export function needsSlices(svc: V1Service): boolean {
  return svc.spec?.type !== 'ExternalName' && isHeadless(svc);
}

// compileService computes the records one Service contributes (undefined when it has none). Its soa
// field is unused. The result depends only on svc and slices, so callers may reuse it while neither changes.
export function compileService(svc: V1Service, slices: readonly V1EndpointSlice[], o: { zone: string; ttl: number }): Records | undefined {
  const ns = svc.metadata?.namespace;
  const name = svc.metadata?.name;
  if (!ns || !name) return undefined;
  const r: Records = { byName: new Map(), additional: new Map(), soa: NO_SOA, seen: new Set() };
  const base = `${name}.${ns}.svc.${o.zone}`.toLowerCase();
  if (svc.spec?.type === 'ExternalName') {
    if (svc.spec.externalName) add(r, { name: base, ttl: o.ttl, type: 'CNAME', target: svc.spec.externalName.toLowerCase().replace(/\.$/, '') });
  } else if (isHeadless(svc)) {
    addHeadless(r, svc, base, slices, o.ttl);
  } else {
    addClusterIP(r, svc, base, o.ttl);
  }
  return r.byName.size ? r : undefined;
}

const NO_SOA: Rr = { name: '', ttl: 0, type: 'TXT', text: [] };

// soaRecord is the zone's SOA, CoreDNS's shape: ns.dns.<zone>. hostmaster.<zone>.
export function soaRecord(zone: string, o: { ttl: number; serial: number }): Rr {
  return { name: zone, ttl: o.ttl, type: 'SOA', mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`,
    serial: o.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: o.ttl };
}

function isHeadless(svc: V1Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function clusterIPs(svc: V1Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ipFamily(ip) !== undefined);
}

// addClusterIP: §2.3 — A/AAAA per clusterIP, SRV per named port (target: the service), PTR per clusterIP.
function addClusterIP(r: Records, svc: V1Service, base: string, ttl: number): void {
  const addrs = clusterIPs(svc).map((ip): Rr => ({ name: base, ttl, type: ipFamily(ip) === 6 ? 'AAAA' : 'A', address: ip }));
  if (addrs.length === 0) return;
  for (const a of addrs) {
    add(r, a);
    const ptr = a.type === 'A' || a.type === 'AAAA' ? reverseName(a.address) : undefined;
    if (ptr) add(r, { name: ptr, ttl, type: 'PTR', target: base });
  }
  for (const p of svc.spec?.ports ?? []) {
    if (!p.name) continue;
    const owner = srvOwner(p.name, p.protocol, base);
    add(r, { name: owner, ttl, type: 'SRV', priority: 0, weight: 100, port: p.port, target: base });
    addAdditional(r, owner, addrs);
  }
}

interface ReadyEndpoint { hostname: string; address: string }

// readyEndpoints lists each ready address once (an endpoint can sit in two slices while they move).
// Ready per spec: conditions.ready unset or true, or the Service publishes not-ready addresses.
function readyEndpoints(svc: V1Service, slices: readonly V1EndpointSlice[]): { eps: ReadyEndpoint[]; ports: Map<string, { port: number; protocol: string }> } {
  const all = svc.spec?.publishNotReadyAddresses === true;
  const seen = new Set<string>();
  const eps: ReadyEndpoint[] = [];
  const ports = new Map<string, { port: number; protocol: string }>();
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    for (const p of s.ports ?? []) if (p.name && p.port !== undefined) ports.set(p.name, { port: p.port, protocol: p.protocol ?? 'TCP' });
    for (const ep of s.endpoints ?? []) {
      if (!all && ep.conditions?.ready === false) continue;
      for (const address of ep.addresses) {
        if (ipFamily(address) === undefined || seen.has(address)) continue;
        seen.add(address);
        eps.push({ hostname: (ep.hostname ?? dashedIP(address)).toLowerCase(), address });
      }
    }
  }
  return { eps, ports };
}

// addHeadless: §2.4 — A/AAAA per ready endpoint at the service name and at <hostname>.<service>, SRV per
// (ready endpoint, named port), PTR per ready endpoint. No ready endpoint: the name does not exist.
function addHeadless(r: Records, svc: V1Service, base: string, slices: readonly V1EndpointSlice[], ttl: number): void {
  const { eps, ports } = readyEndpoints(svc, slices);
  if (eps.length === 0) return;
  const hostAddrs = new Map<string, Rr[]>();
  for (const ep of eps) {
    const type = ipFamily(ep.address) === 6 ? 'AAAA' : 'A';
    const host = `${ep.hostname}.${base}`;
    add(r, { name: base, ttl, type, address: ep.address });
    const a: Rr = { name: host, ttl, type, address: ep.address };
    add(r, a);
    hostAddrs.set(host, [...(hostAddrs.get(host) ?? []), a]);
    const ptr = reverseName(ep.address);
    if (ptr) add(r, { name: ptr, ttl, type: 'PTR', target: host });
  }
  for (const sp of svc.spec?.ports ?? []) {
    if (!sp.name) continue;
    const owner = srvOwner(sp.name, sp.protocol, base);
    const port = ports.get(sp.name)?.port ?? sp.targetPort ?? sp.port;
    for (const host of hostAddrs.keys()) {
      add(r, { name: owner, ttl, type: 'SRV', priority: 0, weight: 100, port: typeof port === 'number' ? port : sp.port, target: host });
      addAdditional(r, owner, hostAddrs.get(host) ?? []);
    }
  }
}

function srvOwner(port: string, protocol: string | undefined, base: string): string {
  return `_${port}._${(protocol ?? 'TCP').toLowerCase()}.${base}`.toLowerCase();
}

function add(r: Records, rr: Rr): void {
  const text = formatRr(rr);
  if (r.seen.has(text)) return;
  r.seen.add(text);
  let types = r.byName.get(rr.name);
  if (!types) { types = new Map(); r.byName.set(rr.name, types); }
  const code = TYPE[rr.type];
  const list = types.get(code);
  if (list) list.push(rr); else types.set(code, [rr]);
}

// addAdditional records the address records that go with an SRV answer (its targets' A/AAAA).
function addAdditional(r: Records, owner: string, rrs: Rr[]): void {
  const list = r.additional.get(owner);
  if (list) { for (const rr of rrs) if (!list.includes(rr)) list.push(rr); } else r.additional.set(owner, [...rrs]);
}
