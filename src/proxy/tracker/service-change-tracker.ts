// ServiceChangeTracker records Service changes as ServicePortInfo per Service, as kube-proxy's does.
// Handlers call update(prev, cur); the sync loop reads snapshot().
import { isDeepStrictEqual } from 'node:util';
import type { V1Service } from '@kubernetes/client-node';
import { serviceKey } from '../model/service-port-name.ts';
import type { ServiceKey, ServicePortName } from '../model/service-port-name.ts';
import { servicePorts } from '../model/service-port.ts';
import type { ServicePortInfo } from '../model/service-port.ts';

export class ServiceChangeTracker {
  readonly #ports = new Map<ServiceKey, readonly ServicePortInfo[]>();
  #snapshot: Map<ServicePortName, ServicePortInfo> | undefined;

  // update records a Service add (prev undefined), update, or delete (cur undefined); it returns whether
  // anything the proxy serves changed (status-only or label-only updates return false).
  update(prev: V1Service | undefined, cur: V1Service | undefined): boolean {
    const obj = cur ?? prev;
    if (!obj?.metadata?.name) return false;
    const key = serviceKey({ namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name });
    const next = cur ? servicePorts(cur) : [];
    const before = this.#ports.get(key) ?? [];
    if (isDeepStrictEqual(before, next)) return false;
    if (next.length === 0) this.#ports.delete(key); else this.#ports.set(key, next);
    this.#snapshot = undefined;
    return true;
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
