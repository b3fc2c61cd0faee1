// EndpointInfo is one backend of one Service port, extracted from EndpointSlices.
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { servicePortName } from './service-port-name.ts';
import type { L4Protocol, ServicePortName } from './service-port-name.ts';

export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName: string | undefined;
  readonly isLocal: boolean;
}

// SERVICE_NAME_LABEL links an EndpointSlice to its Service.
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

// endpointKey is the "ip:port" identity of an endpoint (affinity and connection draining use it).
export function endpointKey(ep: { readonly ip: string; readonly port: number }): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

// sliceServiceName returns the Service an EndpointSlice belongs to, or undefined.
export function sliceServiceName(slice: V1EndpointSlice): string | undefined {
  return slice.metadata?.labels?.[SERVICE_NAME_LABEL] || undefined;
}

// endpointsFromSlices merges the slices of one Service into endpoints per ServicePortName, sorted by
// endpoint key and deduplicated (the first slice wins, as kube-proxy does). FQDN slices are ignored.
export function endpointsFromSlices(slices: Iterable<V1EndpointSlice>, nodeName: string): Map<ServicePortName, EndpointInfo[]> {
  const byPort = new Map<ServicePortName, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    const ns = slice.metadata?.namespace ?? 'default';
    const svc = sliceServiceName(slice);
    if (!svc || slice.addressType === 'FQDN') continue;
    for (const p of slice.ports ?? []) {
      if (p.port === undefined) continue;
      const key = servicePortName(ns, svc, p.name ?? '', (p.protocol ?? 'TCP') as L4Protocol);
      let eps = byPort.get(key);
      if (!eps) byPort.set(key, eps = new Map());
      for (const e of slice.endpoints ?? []) {
        const ep = endpointInfo(e, p.port, nodeName);
        if (ep && !eps.has(endpointKey(ep))) eps.set(endpointKey(ep), ep);
      }
    }
  }
  const out = new Map<ServicePortName, EndpointInfo[]>();
  for (const [k, eps] of byPort) out.set(k, [...eps.keys()].sort().map((ek) => eps.get(ek) as EndpointInfo));
  return out;
}

type SliceEndpoint = NonNullable<V1EndpointSlice['endpoints']>[number];

function endpointInfo(e: SliceEndpoint, port: number, nodeName: string): EndpointInfo | undefined {
  const ip = e.addresses[0];
  if (!ip) return undefined;
  const ready = e.conditions?.ready ?? true;
  return {
    ip, port, ready,
    serving: e.conditions?.serving ?? ready,
    terminating: e.conditions?.terminating ?? false,
    nodeName: e.nodeName,
    isLocal: e.nodeName !== undefined && e.nodeName === nodeName,
  };
}
