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
  revision?: number;       // read the state as of this revision (see ScanOptions.revision)
  // filter runs inside the store before limit is applied, so limit counts matching items only.
  filter?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;        // the store's revision the list is consistent with
  continueKey?: string;    // last key returned, when more items remain
  remaining?: number;      // how many items remain after this page (when known)
}

// RawItem is one stored object as the store holds it: its key and JSON text (resourceVersion inside).
export interface RawItem { key: string; text: string }

export interface ScanOptions {
  // revision reads the state as of this revision (default: the latest committed one). Older than
  // compactedRevision() fails with gone() (410); newer than currentRevision() with tooLargeResourceVersion.
  revision?: number;
  after?: string;          // start strictly after this key
  chunkSize?: number;      // items per chunk (default 500; a chunk also ends after 64 KiB of JSON)
}

// ScanChunk is one step of a scan: up to chunkSize items in key order, and the revision the whole scan
// is consistent with (the same in every chunk).
export interface ScanChunk { revision: number; items: RawItem[] }

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
  // scan reads every object under prefix as of one revision, in key order, a chunk per step, and lets the
  // event loop run between steps (writes commit meanwhile; the scan still shows the state at its revision).
  // It always yields at least one chunk. Consumers must iterate to the end or call return() (break).
  scan(prefix: string, opts?: ScanOptions): AsyncIterable<ScanChunk>;
  // count is how many objects are under prefix now (with after: only keys strictly after it).
  count(prefix: string, after?: string): Promise<number>;
  guaranteedUpdate(gr: GroupResource, key: string, tryUpdate: TryUpdate, pre?: Preconditions): Promise<KubeObject>;
  delete(gr: GroupResource, key: string, pre?: Preconditions): Promise<KubeObject>;
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  currentRevision(): number;
  // compactedRevision: watches from revisions below this fail with 410 Gone.
  compactedRevision(): number;
  close(): Promise<void>;
}
