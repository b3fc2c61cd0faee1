// Which allocations a Service needs, and the update fix-ups kube-apiserver applies before validation
// (patchAllocatedValues, dropTypeDependentFields).
import type { V1Service } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.ts';

// needsClusterIP: every Service but ExternalName and headless ones holds a ClusterIP.
export function needsClusterIP(svc: V1Service): boolean {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return false;
  return spec.clusterIP !== 'None' && spec.clusterIPs?.[0] !== 'None';
}

// needsNodePorts: NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false.
export function needsNodePorts(svc: V1Service): boolean {
  const spec = svc.spec;
  if (spec?.type === 'NodePort') return true;
  return spec?.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

// needsHCNodePort: LoadBalancers with externalTrafficPolicy Local get a healthCheckNodePort.
export function needsHCNodePort(svc: V1Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

// nodePortsOf lists the distinct nodePorts set on a Service's ports.
export function nodePortsOf(svc: V1Service): Set<number> {
  const out = new Set<number>();
  for (const p of svc.spec?.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  return out;
}

// prepareServiceUpdate fills values a client omitted on update from the old Service (clusterIP,
// nodePorts matched by port name, healthCheckNodePort), then clears values the new type does not use
// when the client left them unchanged (ExternalName drops ClusterIPs; ClusterIP drops nodePorts).
export function prepareServiceUpdate(obj: KubeObject, oldObj: KubeObject): void {
  const svc = obj as V1Service;
  const old = oldObj as V1Service;
  patchAllocatedValues(svc, old);
  dropTypeDependentFields(svc, old);
}

function patchAllocatedValues(svc: V1Service, old: V1Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length && oldSpec.clusterIPs?.length) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (needsNodePorts(old) && needsNodePorts(svc)) {
    const newUsed = nodePortsOf(svc);
    const used = new Set([...nodePortsOf(old)].filter((p) => newUsed.has(p)));
    const byName = new Map<string, number>();
    for (const p of oldSpec.ports ?? []) if (p.nodePort) byName.set(p.name ?? '', p.nodePort);
    for (const p of spec.ports ?? []) {
      const was = byName.get(p.name ?? '');
      if (!p.nodePort && was && !used.has(was)) p.nodePort = was;
    }
  }
  if (needsHCNodePort(old) && needsHCNodePort(svc) && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

function dropTypeDependentFields(svc: V1Service, old: V1Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  if (needsClusterIP(old) && spec.type === 'ExternalName') {
    if (spec.clusterIP === oldSpec.clusterIP) delete spec.clusterIP;
    if (isDeepStrictEqual(spec.clusterIPs, oldSpec.clusterIPs)) delete spec.clusterIPs;
    if (isDeepStrictEqual(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === oldSpec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(svc)) {
    const oldPorts = nodePortsOf(old);
    for (const p of spec.ports ?? []) if (p.nodePort && oldPorts.has(p.nodePort)) delete p.nodePort;
  }
  if (needsHCNodePort(old) && !needsHCNodePort(svc) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
}
