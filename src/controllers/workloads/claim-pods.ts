// claimPods is kube's PodControllerRefManager.ClaimPods for ReplicaSets and ReplicationControllers (and
// claimReplicaSets its ClaimReplicaSets for Deployments): of the pods in the owner's namespace, the owner keeps those it controls whose labels still match its selector,
// adopts orphans that match (a pod created by hand before its ReplicaSet, or released by a deleted owner
// with --cascade=orphan), and releases those it controls that no longer match (a pod relabelled out of it
// for debugging). Adopting and releasing are merge patches of ownerReferences carrying the pod's uid and
// resourceVersion, so a pod replaced or changed meanwhile is left alone (the patch fails, the key requeues).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { Selector } from '../../api/labels.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Source } from '../../client/source.ts';
import type { Informer } from '../../informer/index.ts';
import { isNotFound } from '../../lib/errors.ts';
import { isDeepStrictEqual } from 'node:util';
import { BY_NAMESPACE, ensureNamespaceIndex } from '../shared/indexes.ts';
import type { Pod } from '../shared/types.ts';
import { WORKLOADS, controllerRef, isActivePod } from './workload-util.ts';

export function claimPods(source: Source, owner: KubeObject, selector: Selector, candidates: readonly Pod[]): Promise<Pod[]> {
  return claim(source, WORKLOADS.pods, owner, selector, candidates, isActivePod);
}

// claimReplicaSets: a Deployment's ReplicaSets, the same way (an orphan being deleted is not adopted).
export function claimReplicaSets<T extends KubeObject>(source: Source, owner: KubeObject, selector: Selector, candidates: readonly T[]): Promise<T[]> {
  return claim(source, WORKLOADS.replicaSets, owner, selector, candidates, () => true);
}

async function claim<T extends KubeObject>(source: Source, info: ResourceInfo, owner: KubeObject, selector: Selector, candidates: readonly T[], adoptable: (o: T) => boolean): Promise<T[]> {
  const uid = owner.metadata?.uid ?? '';
  const deleting = Boolean(owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  const patches: Promise<void>[] = [];
  for (const obj of candidates) {
    const refs = obj.metadata?.ownerReferences ?? [];
    const ctl = refs.find((r) => r.controller);
    const matches = selector.matches(obj.metadata?.labels ?? {});
    if (ctl) {
      if (ctl.uid !== uid) continue;                       // another controller's
      if (matches || deleting) { claimed.push(obj); continue; }
      patches.push(setOwners(source, info, obj, refs.filter((r) => r.uid !== uid)).then(() => undefined));
      continue;
    }
    if (!matches || deleting || obj.metadata?.deletionTimestamp || !adoptable(obj)) continue;
    patches.push(setOwners(source, info, obj, [...refs, controllerRef(owner)]).then((p) => { if (p) claimed.push(p); }));
  }
  await Promise.all(patches);
  return claimed;
}

// watchClaims subscribes a controller to what it claims (pods, or a Deployment's ReplicaSets): every event
// goes to `owned` (which enqueues the object's controller); an orphan is offered to every owner in its
// namespace whose selector matches it; a relabelled object is handled as it was and as it is, so its old
// owner may release it and a new one adopt it.
export function watchClaims(objects: Informer<KubeObject>, owners: Informer<KubeObject>, selectorOf: (owner: KubeObject) => Selector, owned: (obj: KubeObject) => void, enqueue: (owner: KubeObject) => void): void {
  ensureNamespaceIndex(objects);
  ensureNamespaceIndex(owners);
  const on = (obj: KubeObject): void => {
    owned(obj);
    if ((obj.metadata?.ownerReferences ?? []).some((r) => r.controller) || obj.metadata?.deletionTimestamp) return;
    for (const owner of owners.byIndex(BY_NAMESPACE, obj.metadata?.namespace ?? '')) {
      if (selectorOf(owner).matches(obj.metadata?.labels ?? {})) enqueue(owner);
    }
  };
  objects.addEventHandler({ onAdd: on, onUpdate: (a, b) => { if (!isDeepStrictEqual(a.metadata?.labels, b.metadata?.labels)) on(a); on(b); }, onDelete: on });
}

// setOwners replaces an object's ownerReferences, guarded by its uid and resourceVersion; undefined if it
// is gone.
async function setOwners<T extends KubeObject>(source: Source, info: ResourceInfo, obj: T, ownerReferences: unknown[]): Promise<T | undefined> {
  const m = obj.metadata;
  const patch = { metadata: { uid: m?.uid, resourceVersion: m?.resourceVersion, ownerReferences } };
  try {
    return await source.patch(info, m?.namespace, m?.name ?? '', 'merge', patch) as T;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
