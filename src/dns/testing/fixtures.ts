// Object builders for DNS tests: Services and EndpointSlices with only the fields DNS reads.
import type { V1EndpointSlice, V1Service, V1ServicePort } from '@kubernetes/client-node';

export function clusterIPService(ns: string, name: string, ips: string[], ports: V1ServicePort[] = []): V1Service {
  return { metadata: { namespace: ns, name }, spec: { type: 'ClusterIP', clusterIP: ips[0] ?? '', clusterIPs: ips, ports } };
}

export function headlessService(ns: string, name: string, ports: V1ServicePort[] = [], publishNotReady = false): V1Service {
  return { metadata: { namespace: ns, name }, spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports, publishNotReadyAddresses: publishNotReady } };
}

export function externalNameService(ns: string, name: string, externalName: string): V1Service {
  return { metadata: { namespace: ns, name }, spec: { type: 'ExternalName', externalName } };
}

export interface Ep { ip: string; hostname?: string; ready?: boolean }

export function slice(ns: string, service: string, name: string, eps: Ep[], ports: { name: string; port: number; protocol?: string }[] = []): V1EndpointSlice {
  const v6 = eps.some((e) => e.ip.includes(':'));
  return {
    metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': service } },
    addressType: v6 ? 'IPv6' : 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
    })),
  };
}
