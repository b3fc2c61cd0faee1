// desiredSliceEndpoints is the pure "what should exist" half of the EndpointSlice controller, after
// kube-controller-manager's: every selected pod with an IPv4 address becomes an endpoint with
// ready/serving/terminating conditions, grouped by the port set its pod resolves (named targetPorts
// differ per pod, so different port sets land in different slices).
import type { DiscoveryV1EndpointPort, V1Endpoint } from '@kubernetes/client-node';
import { findPort, isPodReady, podIPv4, selectorMatches, shouldPodBeInEndpoints, shouldSetHostname } from '../shared/pod-util.ts';
import type { Pod, Service } from '../shared/types.ts';

// EndpointGroup is the endpoints sharing one port set; key identifies the port set.
export interface EndpointGroup { key: string; ports: DiscoveryV1EndpointPort[]; endpoints: V1Endpoint[] }

// portSetKey identifies a port set independently of its order.
export function portSetKey(ports: readonly DiscoveryV1EndpointPort[]): string {
  return ports.map((p) => `${p.name ?? ''}\u0000${p.port ?? ''}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`).sort().join('\u0001');
}

// endpointKey identifies an endpoint across syncs: its address and the pod behind it.
export function endpointKey(ep: V1Endpoint): string {
  return `${ep.addresses[0] ?? ''}/${ep.targetRef?.uid ?? ''}`;
}

// desiredSliceEndpoints groups the Service's endpoints by port set, each group's endpoints sorted by IP.
export function desiredSliceEndpoints(svc: Service, pods: readonly Pod[]): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    if (pod.metadata?.namespace !== svc.metadata?.namespace || !selectorMatches(svc.spec?.selector, pod.metadata?.labels)) continue;
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const ports = podPorts(svc, pod);
    if (ports === undefined) continue;
    const key = portSetKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, g = { key, ports, endpoints: [] });
    g.endpoints.push(podEndpoint(svc, pod, ip));
  }
  const out = [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const g of out) g.endpoints.sort((a, b) => compareIP(a.addresses[0] ?? '', b.addresses[0] ?? ''));
  return out;
}

// podPorts resolves every Service port on the pod (skipping ports the pod lacks); undefined when the
// Service has ports and none resolve.
function podPorts(svc: Service, pod: Pod): DiscoveryV1EndpointPort[] | undefined {
  const ports: DiscoveryV1EndpointPort[] = [];
  const svcPorts = svc.spec?.ports ?? [];
  for (const sp of svcPorts) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: DiscoveryV1EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    ports.push(p);
  }
  return svcPorts.length > 0 && ports.length === 0 ? undefined : ports;
}

// podEndpoint: ready = Ready and not terminating (always true with publishNotReadyAddresses);
// serving = Ready regardless of termination; terminating = deletionTimestamp set.
export function podEndpoint(svc: Service, pod: Pod, ip: string): V1Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: V1Endpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc) && pod.spec?.hostname) ep.hostname = pod.spec.hostname;
  return ep;
}

// compareIP orders dotted IPv4 addresses numerically (others as strings).
export function compareIP(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
