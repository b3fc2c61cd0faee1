// EmbeddedSource implements Source by calling the API server's Registry in-process, so defaulting,
// validation and admission apply exactly as over HTTP. Objects it returns belong to the caller.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../../api/types.ts';
import type { Registry } from '../../apiserver/registry/types.ts';
import type { Source, SourceListOptions, SourceSubresource } from '../source.ts';

export class EmbeddedSource implements Source {
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  async list(info: ResourceInfo, namespace?: string, opts?: SourceListOptions): Promise<KubeList> {
    return structuredClone(await this.#registry.list(info, namespace, { ...opts }));
  }

  // watch copies each event's object: the registry may share one object between watchers, and
  // informers freeze what they cache.
  async *watch(info: ResourceInfo, namespace: string | undefined, resourceVersion: string, signal: AbortSignal, opts?: SourceListOptions): AsyncIterable<WatchEvent> {
    const events = await this.#registry.watch(info, namespace, { ...opts, resourceVersion, allowWatchBookmarks: true }, signal);
    for await (const ev of events) yield { type: ev.type, object: structuredClone(ev.object) };
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    return structuredClone(await this.#registry.get(info, namespace, name));
  }

  create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    return this.#registry.create(info, obj.metadata?.namespace, obj, { fieldManager: 'portico-controllers' });
  }

  update(info: ResourceInfo, obj: KubeObject, subresource?: SourceSubresource): Promise<KubeObject> {
    const opts = subresource ? { subresource, fieldManager: 'portico-controllers' } : { fieldManager: 'portico-controllers' };
    return this.#registry.update(info, obj.metadata?.namespace, obj.metadata?.name ?? '', obj, opts);
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: 'json' | 'merge' | 'strategic', patch: unknown, subresource?: 'status'): Promise<KubeObject> {
    return this.#registry.patch(info, namespace, name, type, patch, subresource ? { subresource } : {});
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string }; gracePeriodSeconds?: number }): Promise<void> {
    await this.#registry.delete(info, namespace, name, opts ? { ...opts } : {});
  }
}
