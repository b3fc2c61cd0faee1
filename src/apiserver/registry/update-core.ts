// commitUpdate is the write half shared by PUT, PATCH and delete-time updates: it runs `build` on the
// latest stored object inside store.guaranteedUpdate (so a retry rebuilds on fresh data), allocates
// for Services, commits or gives back allocations, and removes an object whose deletion was waiting
// only on finalizers that are now gone.
import { resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import { conflict, isConflict, isNotFound } from '../../lib/errors.ts';
import { NOOP_TXN, type AllocationTxn } from '../admission/allocation-txn.ts';
import { grOf, isNamespace, isService, toServed, type RegistryContext } from './context.ts';
import { finalizersOf, isDeleting, specFinalizersOf } from './meta.ts';
import { graceRemaining } from './pod-lifecycle.ts';

export const OPTIMISTIC_LOCK_ERROR = 'the object has been modified; please apply your changes to the latest version and try again';

// Build turns the current stored object (a private copy) into the next one; it throws to refuse.
export type Build = (current: KubeObject) => KubeObject;

export interface CommitOptions {
  dryRun?: boolean;
  allocate: boolean;          // run Service allocation (main resource updates only)
}

// commitUpdate returns the served object after the write (or as it would be, for a dry run).
export async function commitUpdate(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, name: string, build: Build, opts: CommitOptions): Promise<KubeObject> {
  const gr = grOf(info);
  const key = resourceKey(info, namespace, name);
  const service = opts.allocate && isService(info);
  if (opts.dryRun) {
    const current = await ctx.store.get(gr, key);
    const next = build(structuredClone(current));
    if (service) ctx.alloc.allocateUpdate(next, current).revert();
    return toServed(ctx, info, next);
  }
  let txn: AllocationTxn = NOOP_TXN;
  let result: KubeObject;
  try {
    result = await ctx.store.guaranteedUpdate(gr, key, (current) => {
      txn.revert();
      txn = NOOP_TXN;
      const next = build(structuredClone(current));
      if (service) txn = ctx.alloc.allocateUpdate(next, current);
      return next;
    });
  } catch (e) {
    txn.revert();
    throw e;
  }
  txn.commit();
  if (isDeleting(result) && !blocksDeletion(info, result)) return removeFinalized(ctx, info, key, result);
  return toServed(ctx, info, result);
}

// checkResourceVersion is the optimistic-concurrency precondition of an update.
export function checkResourceVersion(info: ResourceInfo, name: string, wanted: string | undefined, current: KubeObject): void {
  if (wanted && wanted !== current.metadata?.resourceVersion) throw conflict(grOf(info), name, OPTIMISTIC_LOCK_ERROR);
}

// blocksDeletion: finalizers still pending, or a grace period running (a pod whose node agent has not
// yet deleted it with grace 0); a Namespace also waits on spec.finalizers.
export function blocksDeletion(info: ResourceInfo, obj: KubeObject): boolean {
  if (finalizersOf(obj).length > 0 || graceRemaining(obj) > 0) return true;
  return isNamespace(info) && specFinalizersOf(obj).length > 0;
}

// removeFinalized deletes an object whose last finalizer was just removed, releasing its allocations.
export async function removeFinalized(ctx: RegistryContext, info: ResourceInfo, key: string, obj: KubeObject): Promise<KubeObject> {
  const rv = obj.metadata?.resourceVersion;
  try {
    const deleted = await ctx.store.delete(grOf(info), key, rv ? { resourceVersion: rv } : {});
    if (isService(info)) ctx.alloc.releaseDeleted(deleted);
    return toServed(ctx, info, deleted);
  } catch (e) {
    // Someone else changed or removed it meanwhile; they own what happens next.
    if (isNotFound(e) || isConflict(e)) return toServed(ctx, info, obj);
    throw e;
  }
}
