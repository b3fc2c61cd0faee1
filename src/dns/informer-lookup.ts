// InformerLookup adapts two informers (Services, EndpointSlices) to DnsLookup: reads come from their
// caches (slices through an index by owning Service, O(matches)), and every add/update/delete, plus
// each informer's first sync, notifies the listeners.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import type { Informer } from '../informer/index.ts';
import { keyOf } from '../informer/index.ts';
import type { DnsLookup } from './lookup.ts';
import { SERVICE_NAME_LABEL } from './lookup.ts';

// SLICES_BY_SERVICE is the index of EndpointSlices by the key of the Service they belong to.
export const SLICES_BY_SERVICE = 'dns/slices-by-service';

export interface InformerLookupOptions {
  services: Informer<KubeObject>;
  slices: Informer<KubeObject>;
  signal?: AbortSignal;
}

export class InformerLookup implements DnsLookup {
  readonly #services: Informer<KubeObject>;
  readonly #slices: Informer<KubeObject>;
  readonly #listeners = new Set<(service?: string) => void>();

  constructor(o: InformerLookupOptions) {
    if (!o.services || !o.slices) throw new TypeError('InformerLookup: services and slices informers are required');
    this.#services = o.services;
    this.#slices = o.slices;
    if (!this.#slices.hasIndex(SLICES_BY_SERVICE)) {
      this.#slices.addIndex(SLICES_BY_SERVICE, (s) => {
        const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
        return svc ? [keyOf(s.metadata?.namespace, svc)] : [];
      });
    }
    const notify = (key?: string) => { for (const cb of this.#listeners) cb(key); };
    const svcKey = (s: KubeObject) => keyOf(s.metadata?.namespace, s.metadata?.name ?? '');
    const sliceKey = (s: KubeObject) => keyOf(s.metadata?.namespace, s.metadata?.labels?.[SERVICE_NAME_LABEL] ?? '');
    for (const [inf, key] of [[this.#services, svcKey], [this.#slices, sliceKey]] as const) {
      // a periodic resync redelivers the same object (prev === cur): nothing changed, nothing to rebuild
      inf.addEventHandler({
        onAdd: (cur) => notify(key(cur)),
        onUpdate: (prev, cur) => {
          if (prev === cur) return;
          const [a, b] = [key(prev), key(cur)];
          notify(a);
          if (b !== a) notify(b);
        },
        onDelete: (prev) => notify(key(prev)),
      });
      void inf.whenSynced(o.signal).then(() => notify());
    }
  }

  services(): Iterable<V1Service> {
    return this.#services.list() as V1Service[];
  }

  service(namespace: string, name: string): V1Service | undefined {
    return this.#services.get(keyOf(namespace, name)) as V1Service | undefined;
  }

  slicesFor(namespace: string, name: string): readonly V1EndpointSlice[] {
    return this.#slices.byIndex(SLICES_BY_SERVICE, keyOf(namespace, name)) as unknown as V1EndpointSlice[];
  }

  hasSynced(): boolean {
    return this.#services.hasSynced() && this.#slices.hasSynced();
  }

  onChange(cb: (service?: string) => void): () => void {
    this.#listeners.add(cb);
    return () => { this.#listeners.delete(cb); };
  }
}
