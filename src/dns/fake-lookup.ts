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
  readonly #listeners = new Set<(service?: string) => void>();
  #synced: boolean;
  // calls counts reads, so tests can assert the data path never reads the lookup.
  calls = 0;

  constructor(opts: { synced?: boolean } = {}) {
    this.#synced = opts.synced ?? true;
  }

  services(): Iterable<V1Service> { this.calls++; return [...this.#services.values()]; }

  service(namespace: string, name: string): V1Service | undefined { this.calls++; return this.#services.get(`${namespace}/${name}`); }

  slicesFor(namespace: string, name: string): readonly V1EndpointSlice[] {
    this.calls++;
    return [...(this.#byService.get(`${namespace}/${name}`)?.values() ?? [])];
  }

  hasSynced(): boolean { return this.#synced; }

  onChange(cb: (service?: string) => void): () => void {
    this.#listeners.add(cb);
    return () => { this.#listeners.delete(cb); };
  }

  setSynced(v: boolean): void { this.#synced = v; this.#notify(); }

  upsertService(svc: V1Service): void { this.#services.set(metaKey(svc), svc); this.#notify(metaKey(svc)); }
  deleteService(namespace: string, name: string): void { this.#services.delete(`${namespace}/${name}`); this.#notify(`${namespace}/${name}`); }
  upsertSlice(slice: V1EndpointSlice): void {
    const before = this.#unindex(metaKey(slice));
    this.#slices.set(metaKey(slice), slice);
    const svc = serviceOf(slice);
    let m = this.#byService.get(svc);
    if (!m) { m = new Map(); this.#byService.set(svc, m); }
    m.set(metaKey(slice), slice);
    if (before !== undefined && before !== svc) this.#notify(before);
    this.#notify(svc);
  }

  deleteSlice(namespace: string, name: string): void {
    const before = this.#unindex(`${namespace}/${name}`);
    this.#slices.delete(`${namespace}/${name}`);
    if (before !== undefined) this.#notify(before);
  }

  // #unindex drops a slice from the index and returns the key of the Service it belonged to.
  #unindex(key: string): string | undefined {
    const old = this.#slices.get(key);
    if (!old) return undefined;
    const svc = serviceOf(old);
    this.#byService.get(svc)?.delete(key);
    return svc;
  }

  #notify(service?: string): void { for (const cb of this.#listeners) cb(service); }
}

function metaKey(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

function serviceOf(slice: V1EndpointSlice): string {
  return `${slice.metadata?.namespace ?? ''}/${slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
}
