// Service validation, after pkg/apis/core/validation ValidateService / ValidateServiceUpdate.
// Range checks (ClusterIP inside the service CIDR, nodePort inside the node-port range) belong to the
// allocators, not here; so does healthCheckNodePort's presence (it is checked only when set).
import type { V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { goServicePortKey, goValueError } from './go-value.ts';
import { validateCIDR, validateIP, validateNonSpecialIP } from './ip.ts';
import { validateDNS1123Label, validateDNS1123Subdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from './meta.ts';
import { nameIsDNS1035Label } from './names.ts';
import { validatePortNum, validatePortNumOrName, validateProtocol } from './ports.ts';
import { validateClusterIPs, validateClusterIPsUpdate } from './service-ips.ts';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
const MAX_AFFINITY_SECONDS = 86400;

export function isHeadless(spec: V1ServiceSpec): boolean { return spec.clusterIP === 'None'; }

// validateService checks a Service as kube-apiserver does after defaulting and allocation.
export function validateService(obj: KubeObject): FieldError[] {
  const svc = obj as V1Service;
  const spec = svc.spec ?? {};
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(field.required('spec.ports'));
  errs.push(...validateTypeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateAffinity(spec));
  errs.push(...validateClusterIPs(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const bad = validateIP(ip, `spec.externalIPs[${i}]`);
    errs.push(...(bad.length ? bad : validateNonSpecialIP(ip, `spec.externalIPs[${i}]`)));
  });
  if (!spec.type) errs.push(field.required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(field.notSupported('spec.type', spec.type, SERVICE_TYPES));
  errs.push(...validateNodePorts(spec), ...validateDuplicatePorts(ports), ...validateLoadBalancerFields(spec));
  errs.push(...validateExternalTrafficPolicy(spec), ...validateInternalTrafficPolicy(spec));
  const td = spec.trafficDistribution;
  if (td !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(td)) errs.push(field.notSupported('spec.trafficDistribution', td, TRAFFIC_DISTRIBUTIONS));
  return errs;
}

// validateServiceUpdate adds the immutability rules (clusterIPs, ipFamilies) to validateService.
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const svc = obj as V1Service;
  const prev = old as V1Service;
  const errs = validateObjectMetaUpdate(svc.metadata, prev.metadata);
  errs.push(...validateClusterIPsUpdate(svc.spec ?? {}, prev.spec ?? {}));
  const hc = (x: V1ServiceSpec): boolean => x.type === 'LoadBalancer' && x.externalTrafficPolicy === 'Local';
  if (hc(svc.spec ?? {}) && hc(prev.spec ?? {}) && svc.spec?.healthCheckNodePort !== prev.spec?.healthCheckNodePort) {
    errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return errs.concat(validateService(obj));
}

function validateTypeSpecific(spec: V1ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && isHeadless(spec)) {
    errs.push(field.invalid('spec.clusterIPs[0]', spec.clusterIPs?.[0] ?? spec.clusterIP, `may not be set to 'None' for ${spec.type} services`));
  }
  if (spec.type !== 'ExternalName') return errs;
  if ((spec.clusterIPs ?? []).length > 0) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  if ((spec.ipFamilies ?? []).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy !== undefined) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  const cname = (spec.externalName ?? '').replace(/\.$/, '');
  if (cname) errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
  else errs.push(field.required('spec.externalName'));
  return errs;
}

function validateServicePort(p: V1ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(field.required(`${path}.name`));
  else if (p.name) {
    errs.push(...validateDNS1123Label(p.name, `${path}.name`));
    if (names.has(p.name)) errs.push(field.duplicate(`${path}.name`, p.name));
    else names.add(p.name);
  }
  errs.push(...validatePortNum(p.port, `${path}.port`));
  errs.push(...validateProtocol(p.protocol, `${path}.protocol`));
  errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (p.appProtocol !== undefined) errs.push(...validateQualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

function validateAffinity(spec: V1ServiceSpec): FieldError[] {
  const a = spec.sessionAffinity;
  if (!a) return [field.required('spec.sessionAffinity')];
  if (!AFFINITIES.includes(a)) return [field.notSupported('spec.sessionAffinity', a, AFFINITIES)];
  const path = 'spec.sessionAffinityConfig';
  if (a === 'None') return spec.sessionAffinityConfig ? [field.forbidden(path, 'must not be set when session affinity is None')] : [];
  const why = 'when session affinity type is ClientIP';
  const cfg = spec.sessionAffinityConfig;
  if (!cfg) return [field.required(path, why)];
  if (!cfg.clientIP) return [field.required(`${path}.clientIP`, why)];
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined) return [field.required(`${path}.clientIP.timeoutSeconds`, why)];
  if (t <= 0 || t > MAX_AFFINITY_SECONDS) return [field.invalid(`${path}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`)];
  return [];
}

function validateNodePorts(spec: V1ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.ports ?? []).forEach((p, i) => {
    if (!p.nodePort) return;
    if (spec.type === 'ClusterIP') errs.push(field.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    const key = `${p.protocol ?? ''}/${p.nodePort}`;
    if (seen.has(key)) errs.push(field.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    seen.add(key);
  });
  return errs;
}

function validateDuplicatePorts(ports: V1ServicePort[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port}`;
    if (seen.has(key)) errs.push(goValueError('FieldValueDuplicate', `spec.ports[${i}]`, { port: p.port, protocol: p.protocol }, goServicePortKey(p.protocol ?? '', p.port)));
    seen.add(key);
  });
  return errs;
}

function validateLoadBalancerFields(spec: V1ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    if (spec.type !== 'LoadBalancer') errs.push(field.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateCIDR(r.trim(), `spec.LoadBalancerSourceRanges[${i}]`)));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) errs.push(field.required('allocateLoadBalancerNodePorts'));
  if (spec.loadBalancerClass !== undefined) {
    if (spec.type !== 'LoadBalancer') errs.push(field.forbidden('spec.loadBalancerClass', 'may only be used when `type` is \'LoadBalancer\''));
    else errs.push(...validateQualifiedName(spec.loadBalancerClass, 'spec.loadBalancerClass'));
  }
  return errs;
}

function externallyAccessible(spec: V1ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

// validateExternalTrafficPolicy: only externally-accessible Services carry it. healthCheckNodePort is
// checked only when set (its allocation is the allocator's job).
function validateExternalTrafficPolicy(spec: V1ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const p = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (p) errs.push(field.invalid('spec.externalTrafficPolicy', p, 'may only be set for externally-accessible services'));
  } else if (!p) errs.push(field.required('spec.externalTrafficPolicy'));
  else if (!TRAFFIC_POLICIES.includes(p)) errs.push(field.notSupported('spec.externalTrafficPolicy', p, TRAFFIC_POLICIES));
  const h = spec.healthCheckNodePort;
  if (h) {
    if (!(spec.type === 'LoadBalancer' && p === 'Local')) {
      errs.push(field.invalid('spec.healthCheckNodePort', h, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    } else errs.push(...validatePortNum(h, 'spec.healthCheckNodePort'));
  }
  return errs;
}

function validateInternalTrafficPolicy(spec: V1ServiceSpec): FieldError[] {
  const p = spec.internalTrafficPolicy;
  if (p === undefined) {
    return spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? [field.required('spec.internalTrafficPolicy')] : [];
  }
  return TRAFFIC_POLICIES.includes(p) ? [] : [field.notSupported('spec.internalTrafficPolicy', p, TRAFFIC_POLICIES)];
}
