// Shared informer indexes. Informers are shared across controllers, so each index is added once, by name.
import type { KubeObject } from '../../api/types.ts';
import type { Informer } from '../../informer/index.ts';

export const BY_NAMESPACE = 'namespace';
export const BY_OWNER_UID = 'ownerUID';

// ensureIndex adds the index unless the informer already has one of that name.
export function ensureIndex<T extends KubeObject>(inf: Informer<T>, name: string, fn: (obj: T) => string[]): void {
  if (!inf.hasIndex(name)) inf.addIndex(name, fn);
}

export function ensureNamespaceIndex<T extends KubeObject>(inf: Informer<T>): void {
  ensureIndex(inf, BY_NAMESPACE, (o) => [o.metadata?.namespace ?? '']);
}

export function ensureOwnerIndex<T extends KubeObject>(inf: Informer<T>): void {
  ensureIndex(inf, BY_OWNER_UID, (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid));
}

export const BY_MANAGED_SERVICE = 'managedService';

// managedServiceKey is the index value of slices a controller manages for one Service.
export function managedServiceKey(managedBy: string, namespace: string, service: string): string {
  return `${managedBy}/${namespace}/${service}`;
}

// ensureManagedServiceIndex indexes EndpointSlices by (managed-by, namespace, service-name label).
export function ensureManagedServiceIndex<T extends KubeObject>(inf: Informer<T>): void {
  ensureIndex(inf, BY_MANAGED_SERVICE, (o) => {
    const l = o.metadata?.labels ?? {};
    const svc = l['kubernetes.io/service-name'];
    const by = l['endpointslice.kubernetes.io/managed-by'];
    return svc && by ? [managedServiceKey(by, o.metadata?.namespace ?? '', svc)] : [];
  });
}
