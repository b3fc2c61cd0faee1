// planL4 is the pure heart of the proxy: Services and endpoints in, the whole set of listeners out.
import type { EndpointInfo } from '../model/endpoint.ts';
import type { ServicePortName } from '../model/service-port-name.ts';
import type { ServicePortInfo } from '../model/service-port.ts';
import { listenerKey } from './types.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan, ListenerRole, PlanNode, PlanProblem } from './types.ts';

interface Acc {
  listeners: Map<ListenerKey, ListenerPlan>;
  healthChecks: Map<number, HealthCheckPlan>;
  problems: PlanProblem[];
}

// planL4 returns the listeners for every Service port (clusterIPs, externalIPs, local load-balancer IPs, and
// nodePort on the node's addresses), each with the endpoints its traffic policy allows, plus health checks
// and problems. Ports are visited in ServicePortName order, so on a conflict the first name keeps the address.
export function planL4(
  services: ReadonlyMap<ServicePortName, ServicePortInfo>,
  endpoints: ReadonlyMap<ServicePortName, readonly EndpointInfo[]>,
  node: PlanNode,
): L4Plan {
  const acc: Acc = { listeners: new Map(), healthChecks: new Map(), problems: [] };
  for (const name of [...services.keys()].sort()) {
    const sp = services.get(name);
    if (sp) planPort(acc, sp, endpoints.get(name) ?? [], node);
  }
  return acc;
}

function planPort(acc: Acc, sp: ServicePortInfo, eps: readonly EndpointInfo[], node: PlanNode): void {
  if (sp.protocol === 'SCTP') {
    acc.problems.push(warn(sp, 'UnsupportedProtocol', `port ${sp.port}/SCTP: SCTP is not supported by the userspace proxy`));
    return;
  }
  if (sp.proxyProtocol === 'invalid') {
    acc.problems.push(warn(sp, 'InvalidAnnotation', 'portico.dev/proxy-protocol must be "v1" or "v2"; sending no PROXY header'));
  }
  const internal = selectEndpoints(eps, sp.internalPolicy === 'Local');
  const external = selectEndpoints(eps, sp.externalPolicy === 'Local');
  // Local policies with no local endpoint drop only when the cluster has some (else kube-proxy rejects).
  const anyEndpoint = selectEndpoints(eps, false).length > 0;
  if (eps.length === 0) acc.problems.push(warn(sp, 'NoEndpoints', `port ${portLabel(sp)} has no endpoints`));
  for (const ip of sp.clusterIPs) addListener(acc, sp, 'clusterIP', ip, sp.port, internal, anyEndpoint);
  for (const ip of sp.externalIPs) addListener(acc, sp, 'externalIP', ip, sp.port, external, anyEndpoint);
  for (const ip of sp.loadBalancerIPs) {
    if (isLocalAddress(ip, node)) addListener(acc, sp, 'loadBalancer', ip, sp.port, external, anyEndpoint);
  }
  if (sp.nodePort !== undefined) {
    for (const ip of node.addresses) addListener(acc, sp, 'nodePort', ip, sp.nodePort, external, anyEndpoint);
  }
  if (sp.healthCheckNodePort !== undefined) addHealthCheck(acc, sp, eps, node);
}

// selectEndpoints returns the ready endpoints (only local ones when local), or, when none is ready, the
// serving and terminating ones, as kube-proxy's CategorizeEndpoints does.
export function selectEndpoints(eps: readonly EndpointInfo[], local: boolean): readonly EndpointInfo[] {
  const pool = local ? eps.filter((e) => e.isLocal) : eps;
  const ready = pool.filter((e) => e.ready);
  return ready.length > 0 ? ready : pool.filter((e) => e.serving && e.terminating);
}

function addListener(acc: Acc, sp: ServicePortInfo, role: ListenerRole, ip: string, port: number, eps: readonly EndpointInfo[], anyEndpoint: boolean): void {
  const protocol = sp.protocol === 'UDP' ? 'UDP' : 'TCP';
  const key = listenerKey(protocol, ip, port);
  const owner = acc.listeners.get(key);
  if (owner) {
    if (owner.portName !== sp.name) {
      acc.problems.push(warn(sp, 'PortConflict', `${protocol} ${ip}:${port} (${role}) is already used by ${owner.portName}`));
    }
    return;
  }
  acc.listeners.set(key, {
    key, service: sp.service, portName: sp.name, servicePort: { name: sp.portName, port: sp.port }, role, protocol, ip, port, endpoints: eps,
    whenEmpty: eps.length === 0 && anyEndpoint ? 'drop' : 'reject',
    affinityTimeoutSeconds: sp.affinityTimeoutSeconds,
    proxyProtocol: sp.proxyProtocol === 'invalid' || protocol === 'UDP' ? undefined : sp.proxyProtocol,
  });
}

function addHealthCheck(acc: Acc, sp: ServicePortInfo, eps: readonly EndpointInfo[], node: PlanNode): void {
  const port = sp.healthCheckNodePort ?? 0;
  const local = new Set(selectEndpoints(eps, true).map((e) => e.ip));
  const prev = acc.healthChecks.get(port);
  if (prev && (prev.service.namespace !== sp.service.namespace || prev.service.name !== sp.service.name)) {
    acc.problems.push(warn(sp, 'PortConflict', `healthCheckNodePort ${port} is already used by ${prev.service.namespace}/${prev.service.name}`));
    return;
  }
  // localEndpoints counts distinct local endpoint IPs over all ports of the Service.
  const count = prev ? Math.max(prev.localEndpoints, local.size) : local.size;
  acc.healthChecks.set(port, { port, service: sp.service, addresses: node.addresses, localEndpoints: count });
}

// isLocalAddress reports whether ip is an address of this host.
export function isLocalAddress(ip: string, node: PlanNode): boolean {
  if (ip.startsWith('127.') || ip === '::1') return true;
  return node.addresses.includes(ip) || (node.localAddresses?.includes(ip) ?? false);
}

function portLabel(sp: ServicePortInfo): string {
  return `${sp.portName ? `${sp.portName} (${sp.port})` : sp.port}/${sp.protocol}`;
}

function warn(sp: ServicePortInfo, reason: string, message: string): PlanProblem {
  return { service: sp.service, type: 'Warning', reason, message };
}
