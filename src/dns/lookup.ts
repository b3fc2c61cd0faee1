// DnsLookup is the narrow, read-only view of the cluster the DNS server needs (CoreDNS's dnsController
// shape). Informers satisfy it through informer-lookup.ts; tests use FakeLookup. Objects returned are
// shared and must not be modified.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';

export interface DnsLookup {
  // services lists every Service in every namespace.
  services(): Iterable<V1Service>;
  // service returns one Service, or undefined.
  service(namespace: string, name: string): V1Service | undefined;
  // slicesFor lists the EndpointSlices of one Service (label kubernetes.io/service-name).
  slicesFor(namespace: string, name: string): readonly V1EndpointSlice[];
  // hasSynced is true once the first full list of every resource has been seen.
  hasSynced(): boolean;
  // onChange registers a callback run after any change, with the key ("namespace/name") of the Service whose
  // records it may change (a Service, or an EndpointSlice of it), or no key when anything may have changed
  // (the lookup synced); it returns a function that unregisters it.
  onChange(cb: (service?: string) => void): () => void;
}

// SERVICE_NAME_LABEL is the EndpointSlice label naming its Service.
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
