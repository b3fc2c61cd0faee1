// InformerView is the read-only ClusterView the compiler uses, over running informers. Slices are found
// through an index by the kubernetes.io/service-name label, so a lookup never scans every slice.
import type { V1EndpointSlice, V1Service, V1Secret, V1ConfigMap } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { keyOf } from '../client/index.ts';
import type { Informer } from '../informer/index.ts';
import type { ClusterView } from './provider/compile.ts';

export const BY_SERVICE_INDEX = 'ingress/serviceName';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface ViewInformers {
  services: Informer<KubeObject>;
  endpointSlices: Informer<KubeObject>;
  secrets: Informer<KubeObject>;
  configMaps: Informer<KubeObject>;
}

export class InformerView implements ClusterView {
  readonly #i: ViewInformers;

  constructor(i: ViewInformers) {
    this.#i = i;
    if (!i.endpointSlices.hasIndex(BY_SERVICE_INDEX)) {
      i.endpointSlices.addIndex(BY_SERVICE_INDEX, (o) => {
        const svc = o.metadata?.labels?.[SERVICE_NAME_LABEL];
        return svc ? [keyOf(o.metadata?.namespace, svc)] : [];
      });
    }
  }

  service(namespace: string, name: string): V1Service | undefined {
    return this.#i.services.get(keyOf(namespace, name)) as V1Service | undefined;
  }

  slices(namespace: string, name: string): readonly V1EndpointSlice[] {
    return this.#i.endpointSlices.byIndex(BY_SERVICE_INDEX, keyOf(namespace, name)) as unknown as V1EndpointSlice[];
  }

  secret(namespace: string, name: string): V1Secret | undefined {
    return this.#i.secrets.get(keyOf(namespace, name)) as V1Secret | undefined;
  }

  configMap(namespace: string, name: string): Record<string, string> | undefined {
    return (this.#i.configMaps.get(keyOf(namespace, name)) as V1ConfigMap | undefined)?.data;
  }

  // configMapVersion is the ConfigMap's resourceVersion ('' when absent), for caches keyed by it.
  configMapVersion(namespace: string, name: string): string {
    return this.#i.configMaps.get(keyOf(namespace, name))?.metadata?.resourceVersion ?? '';
  }
}
