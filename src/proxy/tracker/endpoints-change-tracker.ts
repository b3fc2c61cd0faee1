// EndpointsChangeTracker records EndpointSlice changes and keeps the merged endpoints of every Service port,
// grouped by Service; like ServiceChangeTracker it remembers which Services changed since the last sync.
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { endpointsFromSlices, sliceServiceName } from '../model/endpoint.ts';
import type { EndpointInfo } from '../model/endpoint.ts';
import { sameEndpoints } from '../model/same.ts';
import { serviceKey } from '../model/service-port-name.ts';
import type { ServiceKey, ServicePortName } from '../model/service-port-name.ts';

export interface EndpointsChangeTrackerOptions {
  // nodeName marks endpoints on this node as local.
  nodeName: string;
}

export class EndpointsChangeTracker {
  readonly #nodeName: string;
  readonly #slices = new Map<ServiceKey, Map<string, V1EndpointSlice>>();
  readonly #endpoints = new Map<ServiceKey, Map<ServicePortName, EndpointInfo[]>>();
  #dirty = new Set<ServiceKey>();
  #snapshot: Map<ServicePortName, readonly EndpointInfo[]> | undefined;

  constructor(opts: EndpointsChangeTrackerOptions) {
    if (typeof opts.nodeName !== 'string') throw new TypeError('EndpointsChangeTracker: nodeName is required');
    this.#nodeName = opts.nodeName;
  }

  // update records a slice add (prev undefined), update, or delete (cur undefined); it returns whether the
  // endpoints of any Service port changed.
  update(prev: V1EndpointSlice | undefined, cur: V1EndpointSlice | undefined): boolean {
    // Informers hand out frozen objects: the same object again (a resync) cannot carry a change.
    if (prev === cur) return false;
    const before = prev ? keyOf(prev) : undefined;
    const after = cur ? keyOf(cur) : undefined;
    const sliceName = (cur ?? prev)?.metadata?.name ?? '';
    if (before && before !== after) this.#slices.get(before)?.delete(sliceName);
    if (after && cur) {
      let m = this.#slices.get(after);
      if (!m) this.#slices.set(after, m = new Map());
      m.set(sliceName, cur);
    }
    let changed = false;
    for (const k of new Set([before, after])) if (k && this.#recompute(k)) changed = true;
    return changed;
  }

  // endpointsOf returns the endpoints of one Service per port (undefined when none); shared, read-only.
  endpointsOf(key: ServiceKey): ReadonlyMap<ServicePortName, readonly EndpointInfo[]> | undefined {
    return this.#endpoints.get(key);
  }

  // takeDirty returns the Services whose endpoints changed since the last call, and starts a new set.
  takeDirty(): Set<ServiceKey> {
    const d = this.#dirty;
    this.#dirty = new Set();
    return d;
  }

  // snapshot returns the endpoints of every Service port; shared, must not be changed.
  snapshot(): ReadonlyMap<ServicePortName, readonly EndpointInfo[]> {
    if (this.#snapshot) return this.#snapshot;
    const m = new Map<ServicePortName, readonly EndpointInfo[]>();
    for (const ports of this.#endpoints.values()) for (const [k, eps] of ports) m.set(k, eps);
    this.#snapshot = m;
    return m;
  }

  #recompute(key: ServiceKey): boolean {
    const slices = this.#slices.get(key);
    if (slices?.size === 0) this.#slices.delete(key);
    const next = slices?.size ? endpointsFromSlices(slices.values(), this.#nodeName) : new Map<ServicePortName, EndpointInfo[]>();
    if (sameEndpoints(this.#endpoints.get(key) ?? EMPTY, next)) return false;
    if (next.size === 0) this.#endpoints.delete(key); else this.#endpoints.set(key, next);
    this.#dirty.add(key);
    this.#snapshot = undefined;
    return true;
  }
}

const EMPTY: ReadonlyMap<ServicePortName, readonly EndpointInfo[]> = new Map();

function keyOf(slice: V1EndpointSlice): ServiceKey | undefined {
  const svc = sliceServiceName(slice);
  return svc ? serviceKey({ namespace: slice.metadata?.namespace ?? 'default', name: svc }) : undefined;
}
