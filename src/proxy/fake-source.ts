// FakeProxySource is an in-memory ProxySource for tests: set/delete objects, then markSynced().
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { ChangeHandlers, ProxySource } from './source.ts';

class FakeCollection<T extends { metadata?: { namespace?: string; name?: string } }> {
  readonly items = new Map<string, T>();
  readonly handlers: ChangeHandlers<T>[] = [];

  set(obj: T): void {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const prev = this.items.get(key);
    const cur = structuredClone(obj);
    this.items.set(key, cur);
    for (const h of this.handlers) if (prev) h.onUpdate(prev, cur); else h.onAdd(cur);
  }

  delete(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const prev = this.items.get(key);
    if (!prev) return;
    this.items.delete(key);
    for (const h of this.handlers) h.onDelete(prev);
  }

  add(h: ChangeHandlers<T>): void {
    this.handlers.push(h);
    for (const o of this.items.values()) h.onAdd(o);
  }
}

export class FakeProxySource implements ProxySource {
  readonly services = new FakeCollection<V1Service>();
  readonly slices = new FakeCollection<V1EndpointSlice>();
  #synced = false;
  #waiters: (() => void)[] = [];

  addServiceHandlers(h: ChangeHandlers<V1Service>): void { this.services.add(h); }
  addEndpointSliceHandlers(h: ChangeHandlers<V1EndpointSlice>): void { this.slices.add(h); }
  hasSynced(): boolean { return this.#synced; }

  whenSynced(signal: AbortSignal): Promise<void> {
    if (this.#synced || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  markSynced(): void {
    this.#synced = true;
    for (const w of this.#waiters.splice(0)) w();
  }
}
