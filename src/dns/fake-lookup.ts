// FakeLookup is an in-memory DnsLookup for tests and benchmarks: set services and slices, and every
// change notifies the listeners synchronously, the way informer handlers do.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { DnsLookup } from './lookup.ts';
import { SERVICE_NAME_LABEL } from './lookup.ts';

export class FakeLookup implements DnsLookup {
  readonly #services = new Map<string, V1Service>();
  readonly #slices = new Map<string, V1EndpointSlice>();
  // #byService indexes slices by their Service's key, as the informer index does.
  readonly #byService = new Map<string, Map<string, V1EndpointSlice>>();
  readonly #listeners = new Set<() => void>();
  #synced: boolean;
  // calls counts reads, so tests can assert the data path never reads the lookup.
  calls = 0;

  constructor(opts: { synced?: boolean } = {}) {
    this.#synced = opts.synced ?? true;
  }

  services(): Iterable<V1Service> { this.calls++; return [...this.#services.values()]; }

  slicesFor(namespace: string, name: string): readonly V1EndpointSlice[] {
    this.calls++;
    return [...(this.#byService.get(`${namespace}/${name}`)?.values() ?? [])];
  }

  hasSynced(): boolean { return this.#synced; }

  onChange(cb: () => void): () => void {
    this.#listeners.add(cb);
    return () => { this.#listeners.delete(cb); };
  }

  setSynced(v: boolean): void { this.#synced = v; this.#notify(); }

  upsertService(svc: V1Service): void { this.#services.set(metaKey(svc), svc); this.#notify(); }
  deleteService(namespace: string, name: string): void { this.#services.delete(`${namespace}/${name}`); this.#notify(); }
  upsertSlice(slice: V1EndpointSlice): void {
    this.#unindex(metaKey(slice));
    this.#slices.set(metaKey(slice), slice);
    const svc = `${slice.metadata?.namespace ?? ''}/${slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
    let m = this.#byService.get(svc);
    if (!m) { m = new Map(); this.#byService.set(svc, m); }
    m.set(metaKey(slice), slice);
    this.#notify();
  }

  deleteSlice(namespace: string, name: string): void {
    this.#unindex(`${namespace}/${name}`);
    this.#slices.delete(`${namespace}/${name}`);
    this.#notify();
  }

  #unindex(key: string): void {
    const old = this.#slices.get(key);
    if (!old) return;
    this.#byService.get(`${old.metadata?.namespace ?? ''}/${old.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`)?.delete(key);
  }

  #notify(): void { for (const cb of this.#listeners) cb(); }
}

function metaKey(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
