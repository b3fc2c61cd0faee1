// ServicePortInfo is everything the proxy needs of one Service port, extracted once from the Service.
import type { V1Service } from '@kubernetes/client-node';
import { servicePortName } from './service-port-name.ts';
import type { L4Protocol, ServicePortName, ServiceRef } from './service-port-name.ts';

// PROXY_PROTOCOL_ANNOTATION asks the userspace proxy to send a PROXY protocol header ('v1' or 'v2') to the pod.
export const PROXY_PROTOCOL_ANNOTATION = 'portico.dev/proxy-protocol';

export type ProxyProtocolVersion = 'v1' | 'v2';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface ServicePortInfo {
  readonly name: ServicePortName;
  readonly service: ServiceRef;
  readonly portName: string;
  readonly protocol: L4Protocol;
  readonly port: number;
  readonly nodePort: number | undefined;
  readonly clusterIPs: readonly string[];
  readonly externalIPs: readonly string[];
  readonly loadBalancerIPs: readonly string[];
  // affinityTimeoutSeconds is set when sessionAffinity is ClientIP.
  readonly affinityTimeoutSeconds: number | undefined;
  readonly internalPolicy: TrafficPolicy;
  readonly externalPolicy: TrafficPolicy;
  readonly healthCheckNodePort: number | undefined;
  // proxyProtocol is undefined, a version, or 'invalid' when the annotation has another value.
  readonly proxyProtocol: ProxyProtocolVersion | 'invalid' | undefined;
}

// DEFAULT_AFFINITY_SECONDS is Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours).
export const DEFAULT_AFFINITY_SECONDS = 10800;

// servicePorts returns the ports of svc the proxy serves: none for headless and ExternalName Services.
export function servicePorts(svc: V1Service): ServicePortInfo[] {
  const spec = svc.spec;
  const ns = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  if (!spec || spec.type === 'ExternalName') return [];
  const clusterIPs = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  if (clusterIPs.length === 0 || clusterIPs[0] === 'None') return [];
  const shared = sharedInfo(svc, clusterIPs);
  const out: ServicePortInfo[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as L4Protocol;
    const portName = p.name ?? '';
    out.push({
      ...shared,
      name: servicePortName(ns, name, portName, protocol),
      service: { namespace: ns, name },
      portName, protocol, port: p.port,
      nodePort: nodePortOf(spec.type, p.nodePort),
    });
  }
  return out;
}

type Shared = Omit<ServicePortInfo, 'name' | 'service' | 'portName' | 'protocol' | 'port' | 'nodePort'>;

function sharedInfo(svc: V1Service, clusterIPs: readonly string[]): Shared {
  const spec = svc.spec ?? {};
  const affinity = spec.sessionAffinity === 'ClientIP'
    ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
  const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
  return {
    clusterIPs,
    externalIPs: spec.externalIPs ?? [],
    loadBalancerIPs: spec.type === 'LoadBalancer' ? lbIPs : [],
    affinityTimeoutSeconds: affinity,
    internalPolicy: spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    externalPolicy: external && spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    healthCheckNodePort: spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' ? spec.healthCheckNodePort : undefined,
    proxyProtocol: proxyProtocolOf(svc.metadata?.annotations?.[PROXY_PROTOCOL_ANNOTATION]),
  };
}

function nodePortOf(type: string | undefined, nodePort: number | undefined): number | undefined {
  return (type === 'NodePort' || type === 'LoadBalancer') && nodePort ? nodePort : undefined;
}

function proxyProtocolOf(v: string | undefined): ServicePortInfo['proxyProtocol'] {
  if (v === undefined || v === '') return undefined;
  return v === 'v1' || v === 'v2' ? v : 'invalid';
}
