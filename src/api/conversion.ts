// Conversion between the legacy extensions/v1beta1 Ingress (served only) and networking.k8s.io/v1
// (stored), as Kubernetes' Convert_v1beta1_IngressBackend_* functions do it.
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1IngressRule, V1IngressSpec } from '@kubernetes/client-node';
import type { KubeObject } from './types.ts';

export const LEGACY_INGRESS_API_VERSION = 'extensions/v1beta1';
export const INGRESS_API_VERSION = 'networking.k8s.io/v1';

// LegacyIngressBackend is extensions/v1beta1 IngressBackend.
export interface LegacyIngressBackend {
  serviceName?: string;
  servicePort?: number | string;
  resource?: V1IngressBackend['resource'];
}
interface LegacyPath { path?: string; pathType?: string; backend?: LegacyIngressBackend }
interface LegacyRule { host?: string; http?: { paths?: LegacyPath[] } }
interface LegacySpec { backend?: LegacyIngressBackend; ingressClassName?: string; rules?: LegacyRule[]; tls?: V1IngressSpec['tls'] }

// backendToV1: serviceName/servicePort (int → port.number, string → port.name) or resource.
export function backendToV1(b: LegacyIngressBackend): V1IngressBackend {
  const out: V1IngressBackend = {};
  if (b.resource) out.resource = structuredClone(b.resource);
  const port = b.servicePort;
  if (b.serviceName || typeof port === 'string' || (typeof port === 'number' && port !== 0)) {
    out.service = { name: b.serviceName ?? '', port: typeof port === 'string' ? { name: port } : { number: port ?? 0 } };
  }
  return out;
}

export function backendFromV1(b: V1IngressBackend): LegacyIngressBackend {
  const out: LegacyIngressBackend = {};
  if (b.resource) out.resource = structuredClone(b.resource);
  if (b.service) {
    out.serviceName = b.service.name;
    out.servicePort = b.service.port?.name ? b.service.port.name : b.service.port?.number ?? 0;
  }
  return out;
}

function pathToV1(p: LegacyPath): V1HTTPIngressPath {
  const out: V1HTTPIngressPath = { pathType: p.pathType ?? 'ImplementationSpecific', backend: backendToV1(p.backend ?? {}) };
  if (p.path !== undefined) out.path = p.path;
  return out;
}

function pathFromV1(p: V1HTTPIngressPath): LegacyPath {
  const out: LegacyPath = { pathType: p.pathType, backend: backendFromV1(p.backend) };
  if (p.path !== undefined) out.path = p.path;
  return out;
}

function rulesToV1(rules: LegacyRule[]): V1IngressRule[] {
  return rules.map((r) => {
    const out: V1IngressRule = {};
    if (r.host !== undefined) out.host = r.host;
    if (r.http) out.http = { paths: (r.http.paths ?? []).map(pathToV1) };
    return out;
  });
}

function rulesFromV1(rules: V1IngressRule[]): LegacyRule[] {
  return rules.map((r) => {
    const out: LegacyRule = {};
    if (r.host !== undefined) out.host = r.host;
    if (r.http) out.http = { paths: (r.http.paths ?? []).map(pathFromV1) };
    return out;
  });
}

// ingressToV1 converts an extensions/v1beta1 Ingress to networking.k8s.io/v1 (a new object).
export function ingressToV1(obj: KubeObject): KubeObject {
  const src = structuredClone(obj);
  const spec = (src.spec ?? {}) as LegacySpec;
  const out: V1IngressSpec = {};
  if (spec.backend) out.defaultBackend = backendToV1(spec.backend);
  if (spec.ingressClassName !== undefined) out.ingressClassName = spec.ingressClassName;
  if (spec.rules) out.rules = rulesToV1(spec.rules);
  if (spec.tls) out.tls = spec.tls;
  const res: KubeObject = { ...src, apiVersion: INGRESS_API_VERSION, kind: 'Ingress' };
  if (src.spec !== undefined) res.spec = out;
  return res;
}

// ingressFromV1 converts a stored networking.k8s.io/v1 Ingress to extensions/v1beta1 (a new object).
export function ingressFromV1(obj: KubeObject): KubeObject {
  const src = structuredClone(obj) as KubeObject & V1Ingress;
  const spec = src.spec ?? {};
  const out: LegacySpec = {};
  if (spec.defaultBackend) out.backend = backendFromV1(spec.defaultBackend);
  if (spec.ingressClassName !== undefined) out.ingressClassName = spec.ingressClassName;
  if (spec.rules) out.rules = rulesFromV1(spec.rules);
  if (spec.tls) out.tls = spec.tls;
  const res: KubeObject = { ...src, apiVersion: LEGACY_INGRESS_API_VERSION, kind: 'Ingress' };
  if (src.spec !== undefined) res.spec = out;
  return res;
}

// toStorage / fromStorage convert any served object to its storage version and back; objects of
// non-legacy versions pass through unchanged (the same reference).
export function toStorage(apiVersion: string, kind: string, obj: KubeObject): KubeObject {
  return apiVersion === LEGACY_INGRESS_API_VERSION && kind === 'Ingress' ? ingressToV1(obj) : obj;
}
export function fromStorage(apiVersion: string, kind: string, obj: KubeObject): KubeObject {
  return apiVersion === LEGACY_INGRESS_API_VERSION && kind === 'Ingress' ? ingressFromV1(obj) : obj;
}
