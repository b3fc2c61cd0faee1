// Service defaulting (SetDefaults_Service) and the registry's field fix-ups that are pure functions of
// the new and old object (normalizeClusterIPs, patchAllocatedValues, dropTypeDependentFields).
import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { isIP } from 'node:net';
import type { KubeObject } from '../types.ts';

// DEFAULT_CLIENT_IP_AFFINITY_SECONDS is v1.DefaultClientIPServiceAffinitySeconds (3 hours).
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

function externallyAccessible(s: V1ServiceSpec): boolean {
  return s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
}
function needsClusterIP(s: V1ServiceSpec): boolean { return s.type !== 'ExternalName'; }
function needsNodePort(s: V1ServiceSpec): boolean { return s.type === 'NodePort' || s.type === 'LoadBalancer'; }
function needsHCNodePort(s: V1ServiceSpec): boolean { return s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local'; }
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// defaultService fills what SetDefaults_Service fills, plus ipFamilyPolicy/ipFamilies (single-stack
// IPv4 unless clusterIPs say otherwise), which kube-apiserver's service registry initialises.
export function defaultService(obj: KubeObject): void {
  const svc = obj as V1Service;
  const s: V1ServiceSpec = svc.spec ?? (svc.spec = {});
  if (!s.sessionAffinity) s.sessionAffinity = 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP' && s.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  if (!s.type) s.type = 'ClusterIP';
  for (const p of s.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port ?? 0;
  }
  if (externallyAccessible(s) && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined && s.type !== 'ExternalName') s.internalTrafficPolicy = 'Cluster';
  if (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === undefined) s.allocateLoadBalancerNodePorts = true;
  defaultIPFamilies(s);
}

function defaultIPFamilies(s: V1ServiceSpec): void {
  if (s.type === 'ExternalName') return;
  if (s.ipFamilyPolicy === undefined) s.ipFamilyPolicy = 'SingleStack';
  if ((s.ipFamilies ?? []).length > 0) return;
  const ips = (s.clusterIPs?.length ? s.clusterIPs : s.clusterIP ? [s.clusterIP] : []).filter((ip) => isIP(ip) !== 0);
  s.ipFamilies = ips.length ? ips.map((ip) => (isIP(ip) === 6 ? 'IPv6' : 'IPv4')) : ['IPv4'];
}

// normalizeClusterIPs keeps clusterIP and clusterIPs in step for clients that set only one of them.
export function normalizeClusterIPs(svc: V1Service, old?: V1Service): void {
  const s = svc.spec ?? (svc.spec = {});
  if (!old) {
    if (s.clusterIP && (s.clusterIPs ?? []).length === 0) s.clusterIPs = [s.clusterIP];
    return;
  }
  const o = old.spec ?? {};
  if ((o.clusterIPs ?? []).length > 0 && (s.clusterIPs ?? []).length === 0 && o.clusterIP === s.clusterIP && o.clusterIPs) s.clusterIPs = [...o.clusterIPs];
  if (o.clusterIP === s.clusterIP) return;
  if (o.clusterIP && !s.clusterIP) {
    if (same(o.clusterIPs, s.clusterIPs)) delete s.clusterIPs;
  } else if (same(o.clusterIPs, s.clusterIPs) && s.clusterIP) s.clusterIPs = [s.clusterIP];
}

// patchAllocatedValues copies allocated values (clusterIP(s), nodePorts by port name,
// healthCheckNodePort) an update left empty, so a replace without them is idempotent.
export function patchAllocatedValues(svc: V1Service, old: V1Service): void {
  const s = svc.spec ?? (svc.spec = {});
  const o = old.spec ?? {};
  if (needsClusterIP(o) && needsClusterIP(s)) {
    if (!s.clusterIP && o.clusterIP) s.clusterIP = o.clusterIP;
    if ((s.clusterIPs ?? []).length === 0 && (o.clusterIPs ?? []).length > 0) s.clusterIPs = [...(o.clusterIPs ?? [])];
  }
  if (needsNodePort(o) && needsNodePort(s)) {
    const newUsed = new Set((s.ports ?? []).map((p) => p.nodePort).filter((n) => n));
    const byName = new Map((o.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const p of s.ports ?? []) {
      if (p.nodePort) continue;
      const v = byName.get(p.name ?? '') ?? 0;
      if (v && !newUsed.has(v)) p.nodePort = v;
    }
  }
  if (needsHCNodePort(o) && needsHCNodePort(s) && !s.healthCheckNodePort && o.healthCheckNodePort) s.healthCheckNodePort = o.healthCheckNodePort;
}

// dropTypeDependentFields wipes fields a type change made meaningless, when the user left them as they were.
export function dropTypeDependentFields(svc: V1Service, old: V1Service): void {
  const s = svc.spec ?? (svc.spec = {});
  const o = old.spec ?? {};
  if (needsClusterIP(o) && !needsClusterIP(s)) {
    if (s.clusterIP === o.clusterIP && same(s.clusterIPs, o.clusterIPs)) { delete s.clusterIP; delete s.clusterIPs; }
    if (same(s.ipFamilies, o.ipFamilies)) delete s.ipFamilies;
    if (s.ipFamilyPolicy === o.ipFamilyPolicy) delete s.ipFamilyPolicy;
  }
  const nodePorts = (x: V1ServiceSpec): unknown => (x.ports ?? []).map((p) => p.nodePort ?? 0);
  if (needsNodePort(o) && !needsNodePort(s) && same(nodePorts(s), nodePorts(o))) for (const p of s.ports ?? []) delete p.nodePort;
  if (needsHCNodePort(o) && !needsHCNodePort(s) && s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  if (o.type === 'LoadBalancer' && s.type !== 'LoadBalancer') {
    if (s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  }
  if (externallyAccessible(o) && !externallyAccessible(s) && s.externalTrafficPolicy === o.externalTrafficPolicy) delete s.externalTrafficPolicy;
  if (s.type !== 'LoadBalancer' && svc.status) svc.status.loadBalancer = {};
}
