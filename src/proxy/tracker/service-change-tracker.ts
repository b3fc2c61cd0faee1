// ServiceChangeTracker records Service changes as ServicePortInfo per Service, as kube-proxy's does.
// Handlers call update(prev, cur); the sync loop takes the dirty Services (takeDirty) and reads their ports
// (portsOf), so a sync costs what changed; snapshot() is the whole state, for planL4 and tests.
import type { V1Service } from '@kubernetes/client-node';
import { serviceKey } from '../model/service-port-name.ts';
import type { ServiceKey, ServicePortName } from '../model/service-port-name.ts';
import { samePorts } from '../model/same.ts';
import { servicePorts } from '../model/service-port.ts';
import type { ServicePortInfo } from '../model/service-port.ts';

export class ServiceChangeTracker {
  readonly #ports = new Map<ServiceKey, readonly ServicePortInfo[]>();
  #dirty = new Set<ServiceKey>();
  #snapshot: Map<ServicePortName, ServicePortInfo> | undefined;

  // update records a Service add (prev undefined), update, or delete (cur undefined); it returns whether
  // anything the proxy serves changed (status-only or label-only updates return false).
  update(prev: V1Service | undefined, cur: V1Service | undefined): boolean {
    // Informers hand out frozen objects: the same object again (a resync) cannot carry a change.
    if (prev === cur) return false;
    const obj = cur ?? prev;
    if (!obj?.metadata?.name) return false;
    const key = serviceKey({ namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name });
    const next = cur ? servicePorts(cur) : [];
    const before = this.#ports.get(key) ?? [];
    if (samePorts(before, next)) return false;
    if (next.length === 0) this.#ports.delete(key); else this.#ports.set(key, next);
    this.#dirty.add(key);
    this.#snapshot = undefined;
    return true;
  }

  // portsOf returns the ports of one Service (undefined when it has none the proxy serves); shared, read-only.
  portsOf(key: ServiceKey): readonly ServicePortInfo[] | undefined { return this.#ports.get(key); }

  // takeDirty returns the Services changed since the last call, and starts a new set.
  takeDirty(): Set<ServiceKey> {
    const d = this.#dirty;
    this.#dirty = new Set();
    return d;
  }

  // snapshot returns every tracked Service port; the map is shared and must not be changed.
  snapshot(): ReadonlyMap<ServicePortName, ServicePortInfo> {
    if (this.#snapshot) return this.#snapshot;
    const m = new Map<ServicePortName, ServicePortInfo>();
    for (const ports of this.#ports.values()) for (const p of ports) m.set(p.name, p);
    this.#snapshot = m;
    return m;
  }
}
