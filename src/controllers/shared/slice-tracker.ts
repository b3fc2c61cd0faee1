// SliceTracker remembers the slices a controller wrote per Service, so a reconcile can tell when its
// informer cache has not caught up with its own writes yet (kube's EndpointSliceTracker): acting on a
// stale cache would create duplicate slices.
import type { EndpointSlice } from './types.ts';

interface Expectation { written: Map<string, number>; deleted: Set<string> }

export class SliceTracker {
  readonly #byService = new Map<string, Expectation>();

  #get(serviceKey: string): Expectation {
    let e = this.#byService.get(serviceKey);
    if (!e) this.#byService.set(serviceKey, e = { written: new Map(), deleted: new Set() });
    return e;
  }

  // wrote records a slice this controller created or updated (as the API returned it).
  wrote(serviceKey: string, slice: EndpointSlice): void {
    const name = slice.metadata?.name ?? '';
    const e = this.#get(serviceKey);
    e.written.set(name, Number(slice.metadata?.resourceVersion ?? 0));
    e.deleted.delete(name);
  }

  deleted(serviceKey: string, name: string): void {
    const e = this.#get(serviceKey);
    e.written.delete(name);
    e.deleted.add(name);
  }

  // stale: the cached slices lack a write of ours, or still hold a slice we deleted. A fresh cache
  // clears the Service's expectations.
  stale(serviceKey: string, cached: readonly EndpointSlice[]): boolean {
    const e = this.#byService.get(serviceKey);
    if (!e) return false;
    const rvs = new Map(cached.map((s) => [s.metadata?.name ?? '', Number(s.metadata?.resourceVersion ?? 0)]));
    for (const [name, rv] of e.written) {
      const have = rvs.get(name);
      if (have === undefined || (Number.isFinite(rv) && Number.isFinite(have) && have < rv)) return true;
    }
    for (const name of e.deleted) if (rvs.has(name)) return true;
    this.#byService.delete(serviceKey);
    return false;
  }

  forget(serviceKey: string): void { this.#byService.delete(serviceKey); }
}
