// deleteObject is DELETE: preconditions, then either an immediate removal or, when finalizers (or the
// propagation policy's foregroundDeletion/orphan finalizers) must run first, an update that sets
// deletionTimestamp and keeps the object. Namespaces first turn Terminating and wait for both their
// metadata.finalizers and spec.finalizers (emptied through /finalize by the namespace controller).
import { resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject } from '../../api/types.ts';
import { conflict, isNotFound } from '../../lib/errors.ts';
import { grOf, isNamespace, isService, toServed, type RegistryContext } from './context.ts';
import { listObjects } from './list.ts';
import { deleteGraceSeconds, graceRemaining } from './pod-lifecycle.ts';
import { finalizersOf, isDeleting, metaRecord, rfc3339 } from './meta.ts';
import type { DeleteOptions, ListQuery, PropagationPolicy } from './types.ts';
import { commitUpdate } from './update-core.ts';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

export async function deleteObject(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
  const ns = info.namespaced ? namespace : undefined;
  const key = resourceKey(info, ns, name);
  const current = await ctx.store.get(grOf(info), key);
  checkPreconditions(info, name, opts, current);
  const grace = deleteGraceSeconds(ctx, info, current, opts);
  const waits = isNamespace(info) || isDeleting(current) || grace > 0 ||
    withPolicy(finalizersOf(current), opts.propagationPolicy).length > 0;
  if (waits) return markDeleting(ctx, info, ns, name, opts);
  if (opts.dryRun) return toServed(ctx, info, current);
  const rv = current.metadata?.resourceVersion;
  const deleted = await ctx.store.delete(grOf(info), key, rv ? { resourceVersion: rv } : {});
  if (isService(info)) ctx.alloc.releaseDeleted(deleted);
  return toServed(ctx, info, deleted);
}

// markDeleting stamps deletionTimestamp and the policy's finalizers; commitUpdate removes the object
// when nothing is left to wait for.
async function markDeleting(ctx: RegistryContext, info: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions): Promise<KubeObject> {
  const now = rfc3339(ctx.now());
  const build = (cur: KubeObject): KubeObject => {
    checkPreconditions(info, name, opts, cur);
    const m = metaRecord(cur);
    const fresh = !isDeleting(cur);
    if (fresh || opts.propagationPolicy) {
      const f = withPolicy(finalizersOf(cur), opts.propagationPolicy);
      if (f.length > 0) m['finalizers'] = f; else delete m['finalizers'];
    }
    if (fresh) {
      m['deletionTimestamp'] = now;
      if (isNamespace(info)) cur['status'] = { ...(cur['status'] as object | undefined), phase: 'Terminating' };
      else m['deletionGracePeriodSeconds'] = deleteGraceSeconds(ctx, info, cur, opts);
    } else if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < graceRemaining(cur)) {
      m['deletionGracePeriodSeconds'] = Math.max(0, opts.gracePeriodSeconds);   // only ever shortened
    }
    return cur;
  };
  return commitUpdate(ctx, info, ns, name, build, { ...(opts.dryRun ? { dryRun: true } : {}), allocate: false });
}

// withPolicy applies a propagation policy to a finalizer list: Foreground adds foregroundDeletion,
// Orphan adds orphan, Background removes both; no policy leaves them as they are.
export function withPolicy(finalizers: string[], policy: PropagationPolicy | undefined): string[] {
  if (!policy) return [...finalizers];
  const rest = finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN);
  if (policy === 'Foreground') rest.push(FOREGROUND);
  if (policy === 'Orphan') rest.push(ORPHAN);
  return rest;
}

function checkPreconditions(info: ResourceInfo, name: string, opts: DeleteOptions, cur: KubeObject): void {
  const pre = opts.preconditions;
  const uid = cur.metadata?.uid;
  const rv = cur.metadata?.resourceVersion;
  if (pre?.uid && pre.uid !== uid) {
    throw conflict(grOf(info), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== rv) {
    throw conflict(grOf(info), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv ?? ''}`);
  }
}

// deleteCollection deletes every object a list query selects and returns what each delete returned.
export async function deleteCollection(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, q: ListQuery, opts: DeleteOptions = {}): Promise<KubeList> {
  const { limit: _limit, continue: _cont, ...all } = q;
  const list = await listObjects(ctx, info, namespace, all);
  const items: KubeObject[] = [];
  for (const obj of list.items) {
    try {
      items.push(await deleteObject(ctx, info, obj.metadata?.namespace, obj.metadata?.name ?? '', opts));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return { ...list, items };
}
