// PorticoRegistry implements Registry over a Store: each verb lives in its own file; this class binds
// them to one RegistryContext.
import { byResource, resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../../api/types.ts';
import { ServiceAllocation } from '../admission/service-allocation.ts';
import type { RegistryContext } from './context.ts';
import { createObject } from './create.ts';
import { deleteCollection, deleteObject } from './delete.ts';
import type { IPAllocatorLike, PortAllocatorLike, RegistryDeps, RegistryOptions } from './deps.ts';
import { listObjects, listStream, type ListStream } from './list.ts';
import { grOf, toServed } from './context.ts';
import type { DeleteOptions, ListQuery, PatchType, Registry, WatchQuery, WriteOptions } from './types.ts';
import { patchObject, updateObject, type UpdateOptions } from './update.ts';
import { watchObjects } from './watch.ts';

const DEFAULT_BOOKMARK_MS = 5000;

export class PorticoRegistry implements Registry {
  private readonly ctx: RegistryContext;

  constructor(opts: RegistryOptions, deps: RegistryDeps) {
    const alloc = new ServiceAllocation({ ips: deps.newIPAllocator(opts.serviceCIDR), ports: deps.newPortAllocator(opts.nodePortRange) });
    this.ctx = { store: opts.store, deps, now: opts.now ?? (() => new Date()), alloc, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_MS,
      ...(opts.localNodeName ? { localNodeName: opts.localNodeName } : {}) };
  }

  // serviceIPs is the ClusterIP allocator (the bootstrap asks it for nth(1) and nth(10)).
  serviceIPs(): IPAllocatorLike { return this.ctx.alloc.ips; }
  // nodePorts is the NodePort allocator.
  nodePorts(): PortAllocatorLike { return this.ctx.alloc.ports; }

  // repair rebuilds the allocators from every stored Service (run once, before serving).
  async repair(): Promise<void> {
    const services = byResource('', 'v1', 'services');
    if (!services) return;
    const res = await this.ctx.store.list(resourceKey(services));
    for (const svc of res.items) this.ctx.alloc.repair(svc);
  }

  create(info: ResourceInfo, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    return createObject(this.ctx, info, nsOf(info, namespace), obj, opts);
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.ctx.store.get(grOf(info), resourceKey(info, nsOf(info, namespace), name));
    return toServed(this.ctx, info, obj);
  }

  list(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<KubeList> {
    return listObjects(this.ctx, info, nsOf(info, namespace), q);
  }

  listStream(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<ListStream> {
    return listStream(this.ctx, info, nsOf(info, namespace), q);
  }

  watch(info: ResourceInfo, namespace: string | undefined, q: WatchQuery, signal: AbortSignal): Promise<AsyncIterable<WatchEvent>> {
    return watchObjects(this.ctx, info, nsOf(info, namespace), q, signal);
  }

  update(info: ResourceInfo, namespace: string | undefined, name: string, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject> {
    return updateObject(this.ctx, info, nsOf(info, namespace), name, obj, opts);
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: UpdateOptions): Promise<KubeObject> {
    return patchObject(this.ctx, info, nsOf(info, namespace), name, type, patch, opts);
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KubeObject> {
    return deleteObject(this.ctx, info, nsOf(info, namespace), name, opts);
  }

  deleteCollection(info: ResourceInfo, namespace: string | undefined, q: ListQuery, opts?: DeleteOptions): Promise<KubeList> {
    return deleteCollection(this.ctx, info, nsOf(info, namespace), q, opts);
  }
}

// nsOf is the namespace a request addresses: none for cluster-scoped kinds, and "" means all namespaces.
function nsOf(info: ResourceInfo, namespace: string | undefined): string | undefined {
  return info.namespaced && namespace ? namespace : undefined;
}

// buildRegistry makes a repaired registry from explicit dependencies (tests pass fakes here).
export async function buildRegistry(opts: RegistryOptions, deps: RegistryDeps): Promise<PorticoRegistry> {
  const reg = new PorticoRegistry(opts, { ...deps, ...opts.deps });
  await reg.repair();
  return reg;
}
