// Pod, PodSpec and PodTemplateSpec validation, after ValidatePod / ValidatePodSpec / ValidatePodTemplateSpec.
import type { V1Pod, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateContainers } from './container.ts';
import { validateIP } from './ip.ts';
import { validateAnnotations, validateDNS1123Label, validateDNS1123Subdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

// validatePodSpec checks a pod spec rooted at path ("spec" or "spec.template.spec").
export function validatePodSpec(spec: V1PodSpec | undefined, path: string): FieldError[] {
  const s = spec ?? ({} as V1PodSpec);
  const hostNet = s.hostNetwork === true;
  const errs = validateContainers(s.containers, `${path}.containers`, hostNet);
  if (s.initContainers?.length) errs.push(...validateContainers(s.initContainers, `${path}.initContainers`, hostNet));
  errs.push(...validateUniqueHostPorts(s, path), ...validateVolumes(s, path));
  if (!s.restartPolicy) errs.push(field.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(s.restartPolicy)) errs.push(field.notSupported(`${path}.restartPolicy`, s.restartPolicy, RESTART_POLICIES));
  if (!s.dnsPolicy) errs.push(field.required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(s.dnsPolicy)) errs.push(field.notSupported(`${path}.dnsPolicy`, s.dnsPolicy, DNS_POLICIES));
  if (s.dnsPolicy === 'None' && !s.dnsConfig) errs.push(field.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (s.nodeName) errs.push(...validateDNS1123Subdomain(s.nodeName, `${path}.nodeName`));
  if (s.nodeSelector) errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  if (s.hostname) errs.push(...validateDNS1123Subdomain(s.hostname, `${path}.hostname`));
  if (s.subdomain) errs.push(...validateDNS1123Subdomain(s.subdomain, `${path}.subdomain`));
  const tg = s.terminationGracePeriodSeconds;
  if (tg !== undefined && tg < 0) errs.push(field.invalid(`${path}.terminationGracePeriodSeconds`, tg, 'must be greater than or equal to 0'));
  const ad = s.activeDeadlineSeconds;
  if (ad !== undefined && ad <= 0) errs.push(field.invalid(`${path}.activeDeadlineSeconds`, ad, 'must be between 1 and 2147483647, inclusive'));
  return errs;
}

// validateUniqueHostPorts refuses two container ports claiming the same protocol/hostIP/hostPort.
function validateUniqueHostPorts(s: V1PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (s.containers ?? []).forEach((c, i) => (c.ports ?? []).forEach((p, j) => {
    if (!p.hostPort) return;
    const key = `${p.protocol ?? 'TCP'}/${p.hostIP ?? '0.0.0.0'}/${p.hostPort}`;
    if (seen.has(key)) errs.push(field.duplicate(`${path}.containers[${i}].ports[${j}].hostPort`, key));
    seen.add(key);
  }));
  return errs;
}

// validateVolumes: volume names are unique DNS-1123 labels, and every volumeMount names a volume.
function validateVolumes(s: V1PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (s.volumes ?? []).forEach((v, i) => {
    const p = `${path}.volumes[${i}].name`;
    if (!v.name) errs.push(field.required(p));
    else errs.push(...validateDNS1123Label(v.name, p));
    if (v.name && names.has(v.name)) errs.push(field.duplicate(p, v.name));
    names.add(v.name);
  });
  const mounts = (list: V1PodSpec['containers'] | undefined, kind: string): void => (list ?? []).forEach((c, i) => (c.volumeMounts ?? []).forEach((m, j) => {
    const p = `${path}.${kind}[${i}].volumeMounts[${j}]`;
    if (!m.name) errs.push(field.required(`${p}.name`));
    else if (!names.has(m.name)) errs.push(field.notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(field.required(`${p}.mountPath`));
  }));
  mounts(s.containers, 'containers');
  mounts(s.initContainers, 'initContainers');
  return errs;
}

export function validatePod(obj: KubeObject): FieldError[] {
  const pod = obj as V1Pod;
  return validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain).concat(validatePodSpec(pod.spec, 'spec'));
}

const POD_UPDATE_MSG = 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

// validatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change.
export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const pod = obj as V1Pod;
  const prev = old as V1Pod;
  const errs = validateObjectMetaUpdate(pod.metadata, prev.metadata).concat(validatePodSpec(pod.spec, 'spec'));
  if (!isDeepStrictEqual(mutableMasked(pod.spec), mutableMasked(prev.spec))) errs.push(field.forbidden('spec', POD_UPDATE_MSG));
  return errs;
}

function mutableMasked(spec: V1PodSpec | undefined): unknown {
  const s = structuredClone(spec ?? ({} as V1PodSpec));
  for (const c of s.containers ?? []) c.image = '';
  for (const c of s.initContainers ?? []) c.image = '';
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  return s;
}

// validatePodStatusUpdate checks the addresses a kubelet reports.
export function validatePodStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const pod = obj as V1Pod;
  const errs = validateObjectMetaUpdate(pod.metadata, (old as V1Pod).metadata);
  const st = pod.status ?? {};
  if (st.podIP) errs.push(...validateIP(st.podIP, 'status.podIP'));
  (st.podIPs ?? []).forEach((p, i) => errs.push(...validateIP(p.ip, `status.podIPs[${i}].ip`)));
  if (st.hostIP) errs.push(...validateIP(st.hostIP, 'status.hostIP'));
  return errs;
}

// validatePodTemplateSpec checks a workload controller's template: labels, annotations, the pod spec,
// restartPolicy Always and no activeDeadlineSeconds (Deployments validate as ReplicaSet).
export function validatePodTemplateSpec(t: V1PodTemplateSpec | undefined, path: string, controller: 'ReplicaSet' | 'DaemonSet' | 'ReplicationController'): FieldError[] {
  if (!t) return [field.required(path)];
  const errs = validateLabels(t.metadata?.labels, `${path}.metadata.labels`);
  errs.push(...validateAnnotations(t.metadata?.annotations, `${path}.metadata.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`));
  const rp = t.spec?.restartPolicy;
  if (rp && rp !== 'Always') errs.push(field.notSupported(`${path}.spec.restartPolicy`, rp, ['Always']));
  if (t.spec?.activeDeadlineSeconds !== undefined) errs.push(field.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${controller} is not Supported`));
  return errs;
}
