// The scheme: every resource Portico serves, with the facts discovery, routing and storage need.
// resourceKey(info) is the one place a storage prefix is made.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';
const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceInfo {
  group: string;            // '' for core
  version: string;
  kind: string;
  listKind: string;
  resource: string;         // plural, lower case: 'services'
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: string[];   // 'status', 'log', 'scale'
  // storage names the group/version/resource objects are stored as; set for served-only legacy versions
  // (extensions/v1beta1 Ingress is stored as networking.k8s.io/v1).
  storage?: { group: string; version: string; resource: string };
}

function r(group: string, version: string, kind: string, resource: string, namespaced: boolean,
  opts: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'subresources' | 'verbs' | 'storage'>> = {}): ResourceInfo {
  return {
    group, version, kind, listKind: `${kind}List`, resource, singular: kind.toLowerCase(), namespaced,
    shortNames: opts.shortNames ?? [], categories: opts.categories ?? [], verbs: opts.verbs ?? ALL_VERBS,
    subresources: opts.subresources ?? [], ...(opts.storage ? { storage: opts.storage } : {}),
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  r('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log'] }),
  r('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'ReplicationController', 'replicationcontrollers', true, { shortNames: ['rc'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  r('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: ['status'] }),
  r('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  r('extensions', 'v1beta1', 'Ingress', 'ingresses', true, { subresources: ['status'], storage: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' } }),
  r('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  r('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
];

export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function byResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.resource === resource);
}

export function byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.kind === kind);
}

// storageInfo is the ResourceInfo objects of `info` are stored as (itself, unless it is a legacy served version).
export function storageInfo(info: ResourceInfo): ResourceInfo {
  const s = info.storage;
  if (!s) return info;
  const found = byResource(s.group, s.version, s.resource);
  if (!found) throw new Error(`scheme: no storage resource for ${info.group}/${info.version}/${info.resource}`);
  return found;
}

// resourceKey is the store key prefix of a resource, and of one object when namespace/name are given:
// "/registry/services/", "/registry/services/default/", "/registry/services/default/nginx".
// Cluster-scoped objects have no namespace segment.
export function resourceKey(info: ResourceInfo, namespace?: string, name?: string): string {
  const s = storageInfo(info);
  const base = `/registry/${s.group ? s.group + '/' : ''}${s.resource}/`;
  if (!s.namespaced) return name === undefined ? base : base + name;
  if (namespace === undefined) return base;
  return name === undefined ? `${base}${namespace}/` : `${base}${namespace}/${name}`;
}
