// ProxySource is the narrow, read-only view the proxy needs of the cluster: Service and EndpointSlice
// change callbacks and whether the initial lists have been delivered. Informers implement it through
// informer-adapter.ts; tests use FakeProxySource.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';

export interface ChangeHandlers<T> {
  onAdd(obj: T): void;
  onUpdate(prev: T, cur: T): void;
  onDelete(obj: T): void;
}

export interface ProxySource {
  // addServiceHandlers registers handlers; objects already known are delivered to onAdd first.
  addServiceHandlers(h: ChangeHandlers<V1Service>): void;
  addEndpointSliceHandlers(h: ChangeHandlers<V1EndpointSlice>): void;
  // hasSynced reports whether both initial lists have been delivered.
  hasSynced(): boolean;
  // whenSynced resolves once hasSynced() is true, or when signal aborts.
  whenSynced(signal: AbortSignal): Promise<void>;
}
