// Pod and PodTemplateSpec defaulting (SetDefaults_Pod, _PodSpec, _Container, _Probe, _ContainerPort).
import type { V1Container, V1Pod, V1PodSpec, V1Probe } from '@kubernetes/client-node';
import type { KubeObject } from '../types.ts';

// imageTag returns the tag of an image reference ('' when it has a digest and no tag, 'latest' when none).
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const ref = at < 0 ? image : image.slice(0, at);
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0) return last.slice(colon + 1);
  return at < 0 ? 'latest' : '';
}

function defaultProbe(p: V1Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ||= '/';
    p.httpGet.scheme ||= 'HTTP';
  }
}

function defaultContainer(c: V1Container, hostNetwork: boolean): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  for (const p of c.ports ?? []) {
    p.protocol ||= 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef && !e.valueFrom.fieldRef.apiVersion) e.valueFrom.fieldRef.apiVersion = 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

// defaultPodSpec fills a pod spec in place (also used for workload templates).
export function defaultPodSpec(s: V1PodSpec): void {
  s.dnsPolicy ||= 'ClusterFirst';
  s.restartPolicy ||= 'Always';
  s.securityContext ??= {};
  s.terminationGracePeriodSeconds ??= 30;
  s.schedulerName ||= 'default-scheduler';
  s.enableServiceLinks ??= true;
  const hostNet = s.hostNetwork === true;
  for (const c of s.containers ?? []) defaultContainer(c, hostNet);
  for (const c of s.initContainers ?? []) defaultContainer(c, hostNet);
}

export function defaultPod(obj: KubeObject): void {
  const pod = obj as V1Pod;
  defaultPodSpec(pod.spec ?? (pod.spec = { containers: [] }));
}

// podQOSClass is qos.GetPodQOS, simplified to cpu/memory requests and limits.
export function podQOSClass(spec: V1PodSpec): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const ctrs = spec.containers ?? [];
  const has = ctrs.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!has) return 'BestEffort';
  const guaranteed = ctrs.every((c) => ['cpu', 'memory'].every((r) => {
    const lim = c.resources?.limits?.[r];
    const req = c.resources?.requests?.[r] ?? lim;
    return lim !== undefined && String(lim) === String(req);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
