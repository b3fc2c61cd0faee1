// claimPods is kube's PodControllerRefManager.ClaimPods for ReplicaSets and ReplicationControllers: of the
// pods in the owner's namespace, the owner keeps those it controls whose labels still match its selector,
// adopts orphans that match (a pod created by hand before its ReplicaSet, or released by a deleted owner
// with --cascade=orphan), and releases those it controls that no longer match (a pod relabelled out of it
// for debugging). Adopting and releasing are merge patches of ownerReferences carrying the pod's uid and
// resourceVersion, so a pod replaced or changed meanwhile is left alone (the patch fails, the key requeues).
import type { Selector } from '../../api/labels.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Source } from '../../client/source.ts';
import { isNotFound } from '../../lib/errors.ts';
import type { Pod } from '../shared/types.ts';
import { WORKLOADS, controllerRef, isActivePod } from './workload-util.ts';

export async function claimPods(source: Source, owner: KubeObject, selector: Selector, candidates: readonly Pod[]): Promise<Pod[]> {
  const uid = owner.metadata?.uid ?? '';
  const deleting = Boolean(owner.metadata?.deletionTimestamp);
  const claimed: Pod[] = [];
  const patches: Promise<void>[] = [];
  for (const pod of candidates) {
    const refs = pod.metadata?.ownerReferences ?? [];
    const ctl = refs.find((r) => r.controller);
    const matches = selector.matches(pod.metadata?.labels ?? {});
    if (ctl) {
      if (ctl.uid !== uid) continue;                       // another controller's pod
      if (matches || deleting) { claimed.push(pod); continue; }
      patches.push(setOwners(source, pod, refs.filter((r) => r.uid !== uid)).then(() => undefined));
      continue;
    }
    if (!matches || deleting || pod.metadata?.deletionTimestamp || !isActivePod(pod)) continue;
    patches.push(setOwners(source, pod, [...refs, controllerRef(owner)]).then((p) => { if (p) claimed.push(p); }));
  }
  await Promise.all(patches);
  return claimed;
}

// setOwners replaces a pod's ownerReferences, guarded by its uid and resourceVersion; undefined if it is gone.
async function setOwners(source: Source, pod: Pod, ownerReferences: unknown[]): Promise<Pod | undefined> {
  const m = pod.metadata;
  const patch = { metadata: { uid: m?.uid, resourceVersion: m?.resourceVersion, ownerReferences } };
  try {
    return await source.patch(WORKLOADS.pods, m?.namespace, m?.name ?? '', 'merge', patch) as Pod;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
