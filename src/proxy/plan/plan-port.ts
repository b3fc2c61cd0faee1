// planPort is what one Service port asks for, on its own: listeners, a health check and its own problems.
// Conflicts between ports (two ports on one address, two Services on one healthCheckNodePort) are settled
// by the callers — planL4 over the whole state, L4Planner incrementally — with the same rule.
import type { EndpointInfo } from '../model/endpoint.ts';
import type { ServicePortInfo } from '../model/service-port.ts';
import type { ServicePortName, ServiceRef } from '../model/service-port-name.ts';
import { listenerKey } from './types.ts';
import type { ListenerPlan, ListenerRole, PlanNode, PlanProblem } from './types.ts';

export interface PortPlan {
  readonly sp: ServicePortInfo;
  // problems are the port's own (SCTP, bad annotation, no endpoints), without conflicts.
  readonly problems: readonly PlanProblem[];
  // listeners are wanted in this order; a key may come twice (the first wins, silently).
  readonly listeners: readonly ListenerPlan[];
  // localEndpoints is set when the port asks for a healthCheckNodePort: its distinct local endpoint IPs.
  readonly localEndpoints: number | undefined;
}

// planPort returns the listeners of sp (clusterIPs, externalIPs, local load-balancer IPs, and nodePort on
// the node's addresses), each with the endpoints its traffic policy allows.
export function planPort(sp: ServicePortInfo, eps: readonly EndpointInfo[], node: PlanNode): PortPlan {
  if (sp.protocol === 'SCTP') {
    return { sp, problems: [warn(sp.service, 'UnsupportedProtocol', `port ${sp.port}/SCTP: SCTP is not supported by the userspace proxy`)], listeners: [], localEndpoints: undefined };
  }
  const problems: PlanProblem[] = [];
  if (sp.proxyProtocol === 'invalid') {
    problems.push(warn(sp.service, 'InvalidAnnotation', 'portico.dev/proxy-protocol must be "v1" or "v2"; sending no PROXY header'));
  }
  const internal = selectEndpoints(eps, sp.internalPolicy === 'Local');
  const external = selectEndpoints(eps, sp.externalPolicy === 'Local');
  // Local policies with no local endpoint drop only when the cluster has some (else kube-proxy rejects).
  const anyEndpoint = selectEndpoints(eps, false).length > 0;
  if (eps.length === 0) problems.push(warn(sp.service, 'NoEndpoints', `port ${portLabel(sp)} has no endpoints`));
  const listeners: ListenerPlan[] = [];
  const add = (role: ListenerRole, ip: string, port: number, chosen: readonly EndpointInfo[]): void => {
    listeners.push(listenerPlan(sp, role, ip, port, chosen, anyEndpoint));
  };
  for (const ip of sp.clusterIPs) add('clusterIP', ip, sp.port, internal);
  for (const ip of sp.externalIPs) add('externalIP', ip, sp.port, external);
  for (const ip of sp.loadBalancerIPs) if (isLocalAddress(ip, node)) add('loadBalancer', ip, sp.port, external);
  if (sp.nodePort !== undefined) for (const ip of node.addresses) add('nodePort', ip, sp.nodePort, external);
  // localEndpoints counts distinct local endpoint IPs (the owner takes the max over its ports).
  const localEndpoints = sp.healthCheckNodePort !== undefined ? new Set(selectEndpoints(eps, true).map((e) => e.ip)).size : undefined;
  return { sp, problems, listeners, localEndpoints };
}

// selectEndpoints returns the ready endpoints (only local ones when local), or, when none is ready, the
// serving and terminating ones, as kube-proxy's CategorizeEndpoints does.
export function selectEndpoints(eps: readonly EndpointInfo[], local: boolean): readonly EndpointInfo[] {
  const pool = local ? eps.filter((e) => e.isLocal) : eps;
  const ready = pool.filter((e) => e.ready);
  return ready.length > 0 ? ready : pool.filter((e) => e.serving && e.terminating);
}

// isLocalAddress reports whether ip is an address of this host.
export function isLocalAddress(ip: string, node: PlanNode): boolean {
  if (ip.startsWith('127.') || ip === '::1') return true;
  return node.addresses.includes(ip) || (node.localAddresses?.includes(ip) ?? false);
}

// listenerConflict is the problem of a port that wanted lp's address while owner's port has it.
export function listenerConflict(lp: ListenerPlan, owner: ServicePortName): PlanProblem {
  return warn(lp.service, 'PortConflict', `${lp.protocol} ${lp.ip}:${lp.port} (${lp.role}) is already used by ${owner}`);
}

// healthCheckConflict is the problem of a Service that wanted healthCheckNodePort port while owner has it.
export function healthCheckConflict(service: ServiceRef, port: number, owner: ServiceRef): PlanProblem {
  return warn(service, 'PortConflict', `healthCheckNodePort ${port} is already used by ${owner.namespace}/${owner.name}`);
}

function listenerPlan(sp: ServicePortInfo, role: ListenerRole, ip: string, port: number, eps: readonly EndpointInfo[], anyEndpoint: boolean): ListenerPlan {
  const protocol = sp.protocol === 'UDP' ? 'UDP' : 'TCP';
  return {
    key: listenerKey(protocol, ip, port), service: sp.service, portName: sp.name, servicePort: { name: sp.portName, port: sp.port },
    role, protocol, ip, port, endpoints: eps,
    whenEmpty: eps.length === 0 && anyEndpoint ? 'drop' : 'reject',
    affinityTimeoutSeconds: sp.affinityTimeoutSeconds,
    proxyProtocol: sp.proxyProtocol === 'invalid' || protocol === 'UDP' ? undefined : sp.proxyProtocol,
  };
}

function portLabel(sp: ServicePortInfo): string {
  return `${sp.portName ? `${sp.portName} (${sp.port})` : sp.port}/${sp.protocol}`;
}

function warn(service: ServiceRef, reason: string, message: string): PlanProblem {
  return { service, type: 'Warning', reason, message };
}
