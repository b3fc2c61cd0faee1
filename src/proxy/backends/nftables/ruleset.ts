// renderRuleset turns an L4Plan into NftModel, the variable part of the `ip <table>` ruleset: one chain per
// Service port (per traffic policy class) choosing an endpoint, one chain per endpoint doing the DNAT, the
// verdict map elements that lead there, and the affinity sets. Pure: no I/O. The fixed part (hooks, helper
// chains, map declarations) is skeleton(); transaction.ts turns two models into one nft script.
import type { EndpointInfo } from '../../model/endpoint.ts';
import type { ListenerPlan } from '../../plan/types.ts';

export interface NftModel {
  // chains maps a chain name to its rules, one per line.
  readonly chains: Map<string, string>;
  // sets maps an affinity set name to its timeout in seconds.
  readonly sets: Map<string, number>;
  // elements maps a verdict map name to its elements: key (e.g. "10.96.0.1 . tcp . 80") → verdict.
  readonly elements: Map<MapName, Map<string, string>>;
  // nodePortIPs are the node addresses NodePorts answer on.
  readonly nodePortIPs: Set<string>;
}

export type MapName = 'service-ips' | 'service-nodeports' | 'no-endpoint-services' | 'no-endpoint-nodeports';
export const MAP_NAMES: readonly MapName[] = ['service-ips', 'service-nodeports', 'no-endpoint-services', 'no-endpoint-nodeports'];

// MASQ_MARK is kube-proxy's masquerade bit: set on hairpin packets, masqueraded in postrouting.
export const MASQ_MARK = '0x4000';

export function emptyModel(): NftModel {
  return { chains: new Map(), sets: new Map(), elements: new Map(MAP_NAMES.map((m) => [m, new Map()])), nodePortIPs: new Set() };
}

// mergeModel adds src into dst; the models of disjoint sets of Service ports never share a chain, set or
// map key (chunked first apply).
export function mergeModel(dst: NftModel, src: NftModel): void {
  for (const [k, v] of src.chains) dst.chains.set(k, v);
  for (const [k, v] of src.sets) dst.sets.set(k, v);
  for (const [name, els] of src.elements) { const d = dst.elements.get(name); if (d) for (const [k, v] of els) d.set(k, v); }
  for (const ip of src.nodePortIPs) dst.nodePortIPs.add(ip);
}

// skeleton returns the fixed part of the table, as one `table` block (kube-proxy nftables' layout). The
// filter chains run at -110, before the DNAT at -100 (dstnat; numeric, since nft 1.0.6 refuses the name
// in the output hook), so a Service without endpoints is rejected before nothing could translate it.
// masquerading skips lo: there the reply of a hairpin connection returns through conntrack anyway, and
// masquerade would pick an address of another interface.
export function skeleton(table: string): string {
  return `table ip ${table} {
\tcomment "portico service proxy"
\tset nodeport-ips { type ipv4_addr; }
\tmap service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }
\tmap service-nodeports { type inet_proto . inet_service : verdict; }
\tmap no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict; }
\tmap no-endpoint-nodeports { type inet_proto . inet_service : verdict; }
\tchain reject-chain { meta l4proto tcp reject with tcp reset; reject; }
\tchain service-endpoints-check { ip daddr . meta l4proto . th dport vmap @no-endpoint-services; }
\tchain nodeport-endpoints-check { ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports; }
\tchain filter-input { type filter hook input priority -110; policy accept; ct state new jump nodeport-endpoints-check; ct state new jump service-endpoints-check; }
\tchain filter-forward { type filter hook forward priority -110; policy accept; ct state new jump service-endpoints-check; }
\tchain filter-output { type filter hook output priority -110; policy accept; ct state new jump service-endpoints-check; ct state new jump nodeport-endpoints-check; }
\tchain mark-for-masquerade { meta mark set meta mark | ${MASQ_MARK}; }
\tchain masquerading { meta mark & ${MASQ_MARK} == 0 return; meta mark set meta mark ^ ${MASQ_MARK}; oifname "lo" return; masquerade fully-random; }
\tchain services { ip daddr . meta l4proto . th dport vmap @service-ips; ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports; }
\tchain nat-prerouting { type nat hook prerouting priority -100; policy accept; jump services; }
\tchain nat-output { type nat hook output priority -100; policy accept; jump services; }
\tchain nat-postrouting { type nat hook postrouting priority 100; policy accept; jump masquerading; }
}
`;
}

// hash8 is the 8-character prefix kube-proxy puts in front of its names (it truncates them; we do not, so
// it only keeps the names' shape): FNV-1a, since sha256 per chain was a third of a 10,000-Service render.
function hash8(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36).toUpperCase().padStart(8, '0');
}

// portId is "ns/name/proto/port", the readable part of a Service port's chain names.
function portId(l: ListenerPlan): string {
  return `${l.service.namespace}/${l.service.name}/${l.protocol.toLowerCase()}/${l.servicePort.name || l.servicePort.port}`;
}

function endpointId(l: ListenerPlan, ep: EndpointInfo): string { return `${portId(l)}__${ep.ip}/${ep.port}`; }

// endpointChain and affinitySet are shared by every listener of a Service port.
export function endpointChain(l: ListenerPlan, ep: EndpointInfo): string {
  const id = endpointId(l, ep);
  return `endpoint-${hash8(`${l.portName} ${id}`)}-${id}`;
}
function affinitySet(l: ListenerPlan, ep: EndpointInfo, timeout: number): string {
  const id = endpointId(l, ep);
  return `affinity-${hash8(`${l.portName} ${id} ${timeout}`)}-${id}`;
}

// usable drops what a table of family ip cannot carry (IPv6 addresses).
function usable(eps: readonly EndpointInfo[]): EndpointInfo[] { return eps.filter((e) => !e.ip.includes(':')); }

// renderRuleset is the model for listeners (a plan's, or all the listeners of some of its Service ports);
// listeners on IPv6 addresses are left out.
export function renderRuleset(listeners: Iterable<ListenerPlan>): NftModel {
  const model = emptyModel();
  for (const l of listeners) if (!l.ip.includes(':')) renderListener(model, l);
  return model;
}

// renderListener adds one listener: its map element, and its Service port's chains if not there yet.
// clusterIP listeners use the "service" chain; the others (whose endpoints follow externalTrafficPolicy)
// an "external" one (each with its own round robin counter).
function renderListener(m: NftModel, l: ListenerPlan): void {
  const proto = l.protocol.toLowerCase();
  const nodePort = l.role === 'nodePort';
  const eps = usable(l.endpoints);
  const key = nodePort ? `${proto} . ${l.port}` : `${l.ip} . ${proto} . ${l.port}`;
  if (nodePort) m.nodePortIPs.add(l.ip);
  if (eps.length === 0) {
    const map = m.elements.get(nodePort ? 'no-endpoint-nodeports' : 'no-endpoint-services');
    map?.set(key, l.whenEmpty === 'drop' ? 'drop' : 'goto reject-chain');
    return;
  }
  const chain = serviceChain(m, l, eps);
  m.elements.get(nodePort ? 'service-nodeports' : 'service-ips')?.set(key, `goto ${chain}`);
}

function serviceChain(m: NftModel, l: ListenerPlan, eps: EndpointInfo[]): string {
  const kind = l.role === 'clusterIP' ? 'service' : 'external';
  const name = `${kind}-${hash8(`${l.portName} ${kind}`)}-${portId(l)}`;
  if (!m.chains.has(name)) m.chains.set(name, serviceRules(m, l, eps));
  return name;
}

// serviceRules: affinity lookups first (a pinned client goes to its endpoint), then round robin.
// kube-proxy picks at random (numgen random); we use numgen inc, the userspace backend's round robin.
function serviceRules(m: NftModel, l: ListenerPlan, eps: EndpointInfo[]): string {
  const rules: string[] = [];
  const timeout = l.affinityTimeoutSeconds;
  const vmap: string[] = [];
  for (let i = 0; i < eps.length; i++) {
    const ep = eps[i] as EndpointInfo;
    const chain = endpointChain(l, ep);
    const set = timeout === undefined ? undefined : affinitySet(l, ep, timeout);
    if (set !== undefined && timeout !== undefined) {
      m.sets.set(set, timeout);
      rules.push(`ip saddr @${set} goto ${chain}`);
    }
    if (!m.chains.has(chain)) m.chains.set(chain, endpointRules(l, ep, set));
    vmap.push(`${i} : goto ${chain}`);
  }
  rules.push(`numgen inc mod ${eps.length} vmap { ${vmap.join(', ')} }`);
  return rules.join('\n');
}

// endpointRules: hairpin traffic (the endpoint reaching its own Service) is masqueraded, so the reply comes
// back through the DNAT; everything else keeps the client's address.
function endpointRules(l: ListenerPlan, ep: EndpointInfo, set: string | undefined): string {
  const rules = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
  if (set) rules.push(`update @${set} { ip saddr }`);
  rules.push(`meta l4proto ${l.protocol.toLowerCase()} dnat to ${ep.ip}:${ep.port}`);
  return rules.join('\n');
}
