// informerSource adapts the informers of Services and EndpointSlices to the ProxySource the proxy consumes.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import type { ChangeHandlers, ProxySource } from './source.ts';

// InformerLike is the part of informer.Informer the proxy uses.
export interface InformerLike<T> {
  addEventHandler(h: { onAdd?: (o: T) => void; onUpdate?: (p: T, c: T) => void; onDelete?: (o: T) => void }): void;
  hasSynced(): boolean;
  whenSynced(signal?: AbortSignal): Promise<void>;
}

export interface ProxyInformers {
  services: InformerLike<KubeObject>;
  endpointSlices: InformerLike<KubeObject>;
}

// informerSource returns a ProxySource over running informers (the caller runs them).
export function informerSource(inf: ProxyInformers): ProxySource {
  return {
    addServiceHandlers: (h: ChangeHandlers<V1Service>) => inf.services.addEventHandler(cast(h)),
    addEndpointSliceHandlers: (h: ChangeHandlers<V1EndpointSlice>) => inf.endpointSlices.addEventHandler(cast(h)),
    hasSynced: () => inf.services.hasSynced() && inf.endpointSlices.hasSynced(),
    whenSynced: async (signal: AbortSignal) => {
      await Promise.all([inf.services.whenSynced(signal), inf.endpointSlices.whenSynced(signal)]);
    },
  };
}

// cast views typed handlers as KubeObject handlers: the informer's resource info guarantees the kind.
function cast<T>(h: ChangeHandlers<T>): ChangeHandlers<KubeObject> {
  return h as unknown as ChangeHandlers<KubeObject>;
}
