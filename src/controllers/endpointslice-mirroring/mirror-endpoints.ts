// mirrorGroups turns a manually managed Endpoints into EndpointSlice endpoint groups, as kube's
// endpointslicemirroring controller does: addresses are ready+serving, notReadyAddresses neither;
// subsets with the same ports share slices. Only IPv4 addresses are mirrored (Portico is IPv4-only).
import type { DiscoveryV1EndpointPort, V1Endpoint, V1EndpointAddress } from '@kubernetes/client-node';
import { compareIP, portSetKey } from '../endpointslice/desired-slices.ts';
import type { EndpointGroup } from '../endpointslice/desired-slices.ts';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR } from '../shared/types.ts';
import type { Endpoints } from '../shared/types.ts';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function mirrorGroups(ep: Endpoints): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const subset of ep.subsets ?? []) {
    const ports: DiscoveryV1EndpointPort[] = (subset.ports ?? []).map((p) => {
      const out: DiscoveryV1EndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
      if (p.appProtocol) out.appProtocol = p.appProtocol;
      return out;
    });
    const key = portSetKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, g = { key, ports, endpoints: [] });
    const seen = new Set(g.endpoints.map((e) => e.addresses[0]));
    for (const [list, ready] of [[subset.addresses, true], [subset.notReadyAddresses, false]] as const) {
      for (const a of list ?? []) {
        if (!IPV4.test(a.ip) || seen.has(a.ip)) continue;
        seen.add(a.ip);
        g.endpoints.push(addressEndpoint(a, ready));
      }
    }
  }
  const out = [...groups.values()].filter((g) => g.endpoints.length > 0);
  for (const g of out) g.endpoints.sort((a, b) => compareIP(a.addresses[0] ?? '', b.addresses[0] ?? ''));
  return out;
}

function addressEndpoint(a: V1EndpointAddress, ready: boolean): V1Endpoint {
  const ep: V1Endpoint = { addresses: [a.ip], conditions: { ready, serving: ready, terminating: false } };
  if (a.hostname) ep.hostname = a.hostname;
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.targetRef) ep.targetRef = a.targetRef;
  return ep;
}

// skipMirror: the Endpoints opted out (endpointslice.kubernetes.io/skip-mirror=true) or is a
// leader-election lock.
export function skipMirror(ep: Endpoints): boolean {
  return ep.metadata?.labels?.[LABEL_SKIP_MIRROR] === 'true' || ep.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'] !== undefined;
}

// mirroredLabels: the Endpoints' labels, without the ones the slice controllers own.
export function mirroredLabels(ep: Endpoints): Record<string, string> {
  const labels: Record<string, string> = { ...ep.metadata?.labels };
  delete labels[LABEL_MANAGED_BY];
  delete labels[LABEL_SERVICE_NAME];
  return labels;
}
