// Registry is the API server's generic CRUD over the Store, per resource, with the Kubernetes semantics:
// decode-time checks, defaulting, validation, admission (ClusterIP/NodePort allocation), optimistic
// concurrency, patches, delete propagation and finalizers, watch with bookmarks.
// Both the HTTP layer and the embedded client Source call it; neither bypasses it.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../../api/types.ts';
import type { ListStream } from './list.ts';

export type { ListStream, ServedItem } from './list.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;   // HTTP default: 'Warn' (kubectl sends Strict by default)
  fieldManager?: string;
  warnings?: string[];                 // out: warnings to send as `Warning: 299 - "..."` headers
  // bodyOwned: the caller gives the body away (the HTTP layer's freshly decoded request), so the registry
  // uses it in place instead of copying it first.
  bodyOwned?: boolean;
  // typed: the body was built by this process's own controllers (the in-process client), as client-go's
  // typed clients build theirs: it cannot carry unknown fields or wrongly typed values, so the decoder's
  // walk over every field is skipped (admission and validation still run).
  typed?: boolean;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchQuery extends ListQuery {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface Registry {
  // info is the served resource (it may be a legacy version converted to/from its storage version).
  create(info: ResourceInfo, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<KubeList>;
  // listStream is list for callers that write the items out as they come (the HTTP layer): items arrive
  // in chunks with their JSON text, the event loop runs between chunks. Iterate chunks to the end or break.
  listStream(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<ListStream>;
  // watch yields events until the signal aborts or timeoutSeconds passes; a too-old resourceVersion
  // throws gone() before the first event. Event objects may be shared between watches: read-only.
  watch(info: ResourceInfo, namespace: string | undefined, q: WatchQuery, signal: AbortSignal): Promise<AsyncIterable<WatchEvent>>;
  update(info: ResourceInfo, namespace: string | undefined, name: string, obj: KubeObject, opts?: WriteOptions & { subresource?: string }): Promise<KubeObject>;
  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: string }): Promise<KubeObject>;
  // delete returns the deleted object, or the object as it stands when deletion waits on finalizers
  // (deletionTimestamp set). For namespaces that is the namespace in phase Terminating.
  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  deleteCollection(info: ResourceInfo, namespace: string | undefined, q: ListQuery, opts?: DeleteOptions): Promise<KubeList>;
}
