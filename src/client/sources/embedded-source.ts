// EmbeddedSource implements Source by calling the API server's Registry in-process, so defaulting,
// validation and admission apply exactly as over HTTP. Objects from list, get and the writes belong to
// the caller (the registry parses them fresh for each call); objects of watch events are shared and
// frozen (see watch).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../../api/types.ts';
import type { Registry } from '../../apiserver/registry/types.ts';
import { deepFreeze } from '../../informer/freeze.ts';
import type { Source, SourceListOptions, SourceSubresource } from '../source.ts';

export class EmbeddedSource implements Source {
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  // list: registry.list parses every item afresh (no clone needed; cloning 10,000 objects was one
  // synchronous block of the event loop).
  list(info: ResourceInfo, namespace?: string, opts?: SourceListOptions): Promise<KubeList> {
    return this.#registry.list(info, namespace, { ...opts });
  }

  // watch hands out the registry's event object itself, deep-frozen: the registry shares one object per
  // event between every watch of the resource (HTTP watchers encode it, informers cache it), so it must
  // be read-only. Freezing it once (deepFreeze returns at once on a frozen object) is cheaper than the
  // structuredClone per informer it replaces, and a handler that writes to it throws instead of
  // corrupting what the other watchers see.
  async *watch(info: ResourceInfo, namespace: string | undefined, resourceVersion: string, signal: AbortSignal, opts?: SourceListOptions): AsyncIterable<WatchEvent> {
    const events = await this.#registry.watch(info, namespace, { ...opts, resourceVersion, allowWatchBookmarks: true }, signal);
    for await (const ev of events) yield { type: ev.type, object: deepFreeze(ev.object) };
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.#registry.get(info, namespace, name);
  }

  create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    return this.#registry.create(info, obj.metadata?.namespace, obj, { fieldManager: 'portico-controllers', typed: true });
  }

  update(info: ResourceInfo, obj: KubeObject, subresource?: SourceSubresource): Promise<KubeObject> {
    const opts = subresource ? { subresource, fieldManager: 'portico-controllers', typed: true } : { fieldManager: 'portico-controllers', typed: true };
    return this.#registry.update(info, obj.metadata?.namespace, obj.metadata?.name ?? '', obj, opts);
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: 'json' | 'merge' | 'strategic', patch: unknown, subresource?: 'status'): Promise<KubeObject> {
    return this.#registry.patch(info, namespace, name, type, patch, subresource ? { subresource } : {});
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string }; gracePeriodSeconds?: number }): Promise<void> {
    await this.#registry.delete(info, namespace, name, opts ? { ...opts } : {});
  }
}
