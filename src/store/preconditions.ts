// Helpers KvStore applies to every write: precondition checks and resourceVersion stamping.
import type { KubeObject } from '../api/types.ts';
import { conflict, type GroupResource } from '../lib/errors.ts';
import { nameOfKey } from './keys.ts';
import type { Preconditions } from './store.ts';

const OPTIMISTIC_LOCK = 'the object has been modified; please apply your changes to the latest version and try again';

// stamp serializes obj with metadata.resourceVersion set to rev; the caller's object is not modified.
export function stamp(obj: KubeObject, rev: number): string {
  return JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } });
}

// checkPreconditions fails with conflict the way kube-apiserver words it: a stale resourceVersion on update
// is the optimistic-lock message clients retry on; delete reports storage's "Precondition failed".
export function checkPreconditions(gr: GroupResource, key: string, cur: KubeObject, pre: Preconditions | undefined, op: 'update' | 'delete'): void {
  if (!pre) return;
  const uid = cur.metadata?.uid ?? '';
  const rv = cur.metadata?.resourceVersion ?? '';
  if (pre.uid !== undefined && pre.uid !== uid) {
    throw conflict(gr, nameOfKey(key), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== rv) {
    const why = op === 'update' ? OPTIMISTIC_LOCK
      : `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`;
    throw conflict(gr, nameOfKey(key), why);
  }
}
