// Source is what informers and controllers consume. `embedded` calls the API server's Registry in-process
// (defaulting, validation and admission behave exactly as over HTTP); `kube` talks to any Kubernetes API
// through @kubernetes/client-node. Data-plane agents depend on this, never on the store or API server.
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../api/types.ts';

export type SourceSubresource = 'status' | 'finalize';

export interface SourceListOptions { labelSelector?: string; fieldSelector?: string }

export interface Source {
  list(info: ResourceInfo, namespace?: string, opts?: SourceListOptions): Promise<KubeList>;
  // watch yields events after resourceVersion until the signal aborts; throws gone() (410) when too old.
  watch(info: ResourceInfo, namespace: string | undefined, resourceVersion: string, signal: AbortSignal, opts?: SourceListOptions): AsyncIterable<WatchEvent>;
  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
  create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject>;
  // update with subresource 'finalize' is the Namespace finalize call (spec.finalizers), as kube's namespace controller makes.
  update(info: ResourceInfo, obj: KubeObject, subresource?: SourceSubresource): Promise<KubeObject>;
  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: 'json' | 'merge' | 'strategic', patch: unknown, subresource?: 'status'): Promise<KubeObject>;
  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string }; gracePeriodSeconds?: number }): Promise<void>;
}
