// Shared pieces of the workload controllers: resources, controller ownerReferences, pod state, and the
// expectations that keep a controller from acting twice on a lagging cache.
import type { V1OwnerReference, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { isPodReady } from '../shared/pod-util.ts';
import { mustInfo } from '../shared/types.ts';
import type { Pod } from '../shared/types.ts';

export const WORKLOADS = {
  deployments: mustInfo('apps', 'v1', 'Deployment'),
  replicaSets: mustInfo('apps', 'v1', 'ReplicaSet'),
  replicationControllers: mustInfo('', 'v1', 'ReplicationController'),
  daemonSets: mustInfo('apps', 'v1', 'DaemonSet'),
  pods: mustInfo('', 'v1', 'Pod'),
  nodes: mustInfo('', 'v1', 'Node'),
} as const;

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

// controllerRef is the ownerReference a controller puts on what it creates.
export function controllerRef(owner: KubeObject): V1OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
}

// isControlledBy: obj's controller ownerReference names owner.
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata?.uid);
}

// isActivePod: not terminal and not being deleted (kube's controller.IsPodActive).
export function isActivePod(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}

export { isPodReady };

// podFromTemplate is the pod a controller creates: template labels/annotations, generateName, owner.
export function podFromTemplate(t: V1PodTemplateSpec | undefined, owner: KubeObject, extra: { nodeName?: string } = {}): Pod {
  const spec = structuredClone(t?.spec ?? { containers: [] });
  if (extra.nodeName) spec.nodeName = extra.nodeName;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata?.name ?? 'pod'}-`, namespace: owner.metadata?.namespace ?? 'default',
      labels: { ...(t?.metadata?.labels ?? {}) }, annotations: { ...(t?.metadata?.annotations ?? {}) },
      ownerReferences: [controllerRef(owner)],
    },
    spec,
  };
}

// Expectations remembers, per controller key, the pods it created or deleted that the cache has not
// shown yet; a controller does nothing for a key while some are outstanding (or until they expire).
export class Expectations {
  readonly #pending = new Map<string, { names: Set<string>; until: number }>();

  expect(key: string, names: string[], ttlMs = 30_000): void {
    if (names.length === 0) return;
    const cur = this.#pending.get(key) ?? { names: new Set<string>(), until: 0 };
    for (const n of names) cur.names.add(n);
    cur.until = Date.now() + ttlMs;
    this.#pending.set(key, cur);
  }

  // observe marks a pod name as seen (created in the cache, or deleting/gone).
  observe(key: string, name: string): void {
    const cur = this.#pending.get(key);
    if (!cur) return;
    cur.names.delete(name);
    if (cur.names.size === 0) this.#pending.delete(key);
  }

  satisfied(key: string): boolean {
    const cur = this.#pending.get(key);
    if (!cur) return true;
    if (Date.now() > cur.until) { this.#pending.delete(key); return true; }
    return false;
  }

  forget(key: string): void { this.#pending.delete(key); }
}

// ownedPodHandler is the pod event handler of a controller of `kind`: it enqueues the pod's controller
// (namespace/name) and tells the expectations the controller's cache has seen the pod.
export function ownedPodHandler(kind: string, exp: Expectations, enqueue: (key: string) => void): (p: KubeObject) => void {
  return (p) => {
    for (const ref of p.metadata?.ownerReferences ?? []) {
      if (!ref.controller || ref.kind !== kind) continue;
      const key = `${p.metadata?.namespace ?? ''}/${ref.name}`;
      exp.observe(key, p.metadata?.name ?? '');
      enqueue(key);
    }
  };
}
