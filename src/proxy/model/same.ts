// Cheap equality of the proxy's model values, field by field: the trackers compare every update, and
// isDeepStrictEqual's generic walk cost more than the rest of an update.
import type { EndpointInfo } from './endpoint.ts';
import type { ServicePortName } from './service-port-name.ts';
import type { ServicePortInfo } from './service-port.ts';

// sameStrings reports whether two string arrays hold the same values in the same order.
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// samePort reports whether two ServicePortInfo are equal in every field; a field added to ServicePortInfo
// must be added here, or a change to it alone would not cause a sync.
export function samePort(a: ServicePortInfo, b: ServicePortInfo): boolean {
  return a.name === b.name && a.service.namespace === b.service.namespace && a.service.name === b.service.name &&
    a.portName === b.portName && a.protocol === b.protocol && a.port === b.port && a.nodePort === b.nodePort &&
    sameStrings(a.clusterIPs, b.clusterIPs) && sameStrings(a.externalIPs, b.externalIPs) &&
    sameStrings(a.loadBalancerIPs, b.loadBalancerIPs) && a.affinityTimeoutSeconds === b.affinityTimeoutSeconds &&
    a.internalPolicy === b.internalPolicy && a.externalPolicy === b.externalPolicy &&
    a.healthCheckNodePort === b.healthCheckNodePort && a.proxyProtocol === b.proxyProtocol;
}

// samePorts reports whether two port lists are equal, in order.
export function samePorts(a: readonly ServicePortInfo[], b: readonly ServicePortInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!samePort(a[i] as ServicePortInfo, b[i] as ServicePortInfo)) return false;
  return true;
}

function sameEndpoint(a: EndpointInfo, b: EndpointInfo): boolean {
  return a.ip === b.ip && a.port === b.port && a.ready === b.ready && a.serving === b.serving &&
    a.terminating === b.terminating && a.nodeName === b.nodeName && a.isLocal === b.isLocal;
}

// sameEndpoints reports whether two per-port endpoint maps hold equal endpoints in the same order per port
// (insertion order of the ports does not matter: the planner looks ports up by name).
export function sameEndpoints(
  a: ReadonlyMap<ServicePortName, readonly EndpointInfo[]>,
  b: ReadonlyMap<ServicePortName, readonly EndpointInfo[]>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [k, ea] of a) {
    const eb = b.get(k);
    if (!eb || ea.length !== eb.length) return false;
    for (let i = 0; i < ea.length; i++) if (!sameEndpoint(ea[i] as EndpointInfo, eb[i] as EndpointInfo)) return false;
  }
  return true;
}
