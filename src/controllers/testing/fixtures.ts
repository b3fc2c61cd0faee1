// Test fixtures for the endpoint controllers: compact constructors of pods and Services.
import type { V1ContainerPort, V1ServicePort } from '@kubernetes/client-node';
import type { Pod, Service } from '../shared/types.ts';

export interface PodSpec {
  name: string;
  ip?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  ports?: V1ContainerPort[];
  terminating?: boolean;
  node?: string;
  hostname?: string;
  subdomain?: string;
  phase?: string;
  restartPolicy?: string;
  namespace?: string;
}

export function pod(s: PodSpec): Pod {
  const p: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: s.name, namespace: s.namespace ?? 'default', uid: `uid-${s.name}`, labels: s.labels ?? { app: 'web' } },
    spec: { containers: [{ name: 'c', ports: s.ports ?? [] }] },
    status: { phase: s.phase ?? 'Running', conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True' }] },
  };
  if (s.ip && p.status) p.status.podIP = s.ip;
  if (s.terminating && p.metadata) p.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
  if (p.spec) {
    if (s.node) p.spec.nodeName = s.node;
    if (s.hostname) p.spec.hostname = s.hostname;
    if (s.subdomain) p.spec.subdomain = s.subdomain;
    if (s.restartPolicy) p.spec.restartPolicy = s.restartPolicy;
  }
  return p;
}

export interface ServiceSpec {
  name?: string;
  selector?: Record<string, string> | null;
  ports?: V1ServicePort[];
  publishNotReady?: boolean;
  clusterIP?: string;
  labels?: Record<string, string>;
}

export function service(s: ServiceSpec = {}): Service {
  const svc: Service = {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: s.name ?? 'web', namespace: 'default', uid: 'uid-svc', labels: s.labels ?? {} },
    spec: { clusterIP: s.clusterIP ?? '127.96.0.10', ports: s.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
  if (svc.spec && s.selector !== null) svc.spec.selector = s.selector ?? { app: 'web' };
  if (svc.spec && s.publishNotReady) svc.spec.publishNotReadyAddresses = true;
  return svc;
}
