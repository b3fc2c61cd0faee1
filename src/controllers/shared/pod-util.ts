// Pod and Service predicates the endpoint controllers share, after k8s.io/kubernetes/pkg/api/v1/pod and
// pkg/controller/util/endpoint.
import type { V1ContainerPort, V1ServicePort } from '@kubernetes/client-node';
import type { Pod, Service } from './types.ts';

// isPodReady: the pod's Ready condition is True.
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

// readyTransitionTime is when the pod's Ready condition last changed (the endpoints trigger time), if known.
export function readyTransitionTime(pod: Pod): Date | undefined {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready');
  return toDate(c?.lastTransitionTime);
}

export function toDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// shouldPodBeInEndpoints: the pod has an IP, is not terminating (unless includeTerminating), and has not
// finished for good (phase Succeeded/Failed under restartPolicy Never, Succeeded under OnFailure).
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status.phase;
  const policy = pod.spec?.restartPolicy;
  if (policy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (policy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

// findPort resolves a Service port's targetPort on a pod: a number is taken as is (defaulting to the
// Service port); a name is looked up among the pod's container ports with the same protocol.
export function findPort(pod: Pod, sp: V1ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    const p = (c.ports ?? []).find((x: V1ContainerPort) => x.name === target && (x.protocol ?? 'TCP') === protocol);
    if (p) return p.containerPort;
  }
  return undefined;
}

// shouldSetHostname: the pod has a hostname and its subdomain names this Service in its namespace.
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;
}

// selectorMatches: every key=value of a Service selector is among the labels; an empty selector matches nothing.
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

// isHeadless: the Service has no cluster IP.
export function isHeadless(svc: Service): boolean {
  return !svc.spec?.clusterIP || svc.spec.clusterIP === 'None';
}

// podIPv4 is the pod's first IPv4 address.
export function podIPv4(pod: Pod): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)];
  return ips.find((ip): ip is string => !!ip && !ip.includes(':'));
}
