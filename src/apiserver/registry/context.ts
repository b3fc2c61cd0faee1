// RegistryContext is what every verb of the registry shares.
import { apiVersionOf, storageInfo, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { GroupResource, GroupKind } from '../../lib/errors.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceAllocation } from '../admission/service-allocation.ts';
import type { RegistryDeps } from './deps.ts';

export interface RegistryContext {
  store: Store;
  deps: RegistryDeps;
  now: () => Date;
  alloc: ServiceAllocation;
  bookmarkIntervalMs: number;
  localNodeName?: string;
}

// grOf names a served resource in errors ("ingresses.extensions").
export function grOf(info: ResourceInfo): GroupResource { return { group: info.group, resource: info.resource }; }
export function gkOf(info: ResourceInfo): GroupKind { return { group: info.group, kind: info.kind }; }

// isService tells whether a resource is core/v1 services (the one kind with allocation admission).
export function isService(info: ResourceInfo): boolean { return info.group === '' && info.resource === 'services'; }
export function isNamespace(info: ResourceInfo): boolean { return info.group === '' && info.resource === 'namespaces'; }

// toStored converts a served object to its storage version (a copy when conversion is needed).
export function toStored(ctx: RegistryContext, info: ResourceInfo, obj: KubeObject): KubeObject {
  return info.storage ? ctx.deps.toStorage(obj, info) : obj;
}

// toServed converts a stored object to the served version and makes sure apiVersion/kind are set.
export function toServed(ctx: RegistryContext, info: ResourceInfo, obj: KubeObject): KubeObject {
  const out = info.storage ? ctx.deps.fromStorage(obj, info) : obj;
  if (!info.storage) {
    const s = storageInfo(info);
    out.apiVersion = apiVersionOf(s);
    out.kind = s.kind;
  }
  return out;
}
