// Store is the storage seam: a key/value store of JSON objects with one global revision.
// Implementations: memory (tests), sqlite (embedded default), etcd (later). Every implementation passes
// runStoreConformance (store-conformance.ts).
//
// Contract:
// - Keys are strings like "/registry/services/default/nginx"; prefixes end with "/".
// - Every write bumps the global revision by one; the stored object's metadata.resourceVersion is that
//   revision as a decimal string (the store sets it; callers never do).
// - create fails with alreadyExists if the key exists; get/delete/guaranteedUpdate fail with notFound if not.
// - guaranteedUpdate reads the current object, calls tryUpdate(current) and writes the result atomically;
//   preconditions (uid, resourceVersion) are checked against the current object, failing with conflict.
//   If tryUpdate returns the same object (deep-equal), nothing is written and the revision does not move.
// - watch(prefix, fromRevision) yields every change with revision > fromRevision, in revision order, then
//   follows live changes until the signal aborts. fromRevision older than the kept history fails with
//   gone() (410). fromRevision 0 means "from now".
// - A write is durable when its promise resolves (a kill -9 after that loses nothing).
import type { KubeObject } from '../api/types.ts';
import type { GroupResource } from '../lib/errors.ts';

export interface Preconditions { uid?: string; resourceVersion?: string }

export interface ListOptions {
  limit?: number;          // at most this many items; 0/undefined = all
  continueKey?: string;    // start strictly after this key
  // filter runs inside the store before limit is applied, so limit counts matching items only.
  filter?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;        // the store's revision the list is consistent with
  continueKey?: string;    // last key returned, when more items remain
  remaining?: number;      // how many items remain after this page (when known)
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: StoreEventType;
  key: string;
  object: KubeObject;      // for DELETED: the last state, with resourceVersion = the delete's revision
  prevObject?: KubeObject; // for MODIFIED and DELETED
  revision: number;
}

export type TryUpdate = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface Store {
  // gr names the resource in errors (notFound/alreadyExists/conflict).
  create(gr: GroupResource, key: string, obj: KubeObject): Promise<KubeObject>;
  get(gr: GroupResource, key: string): Promise<KubeObject>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  guaranteedUpdate(gr: GroupResource, key: string, tryUpdate: TryUpdate, pre?: Preconditions): Promise<KubeObject>;
  delete(gr: GroupResource, key: string, pre?: Preconditions): Promise<KubeObject>;
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  currentRevision(): number;
  // compactedRevision: watches from revisions below this fail with 410 Gone.
  compactedRevision(): number;
  close(): Promise<void>;
}
