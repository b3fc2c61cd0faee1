// ReplicaSetController keeps spec.replicas active pods for each ReplicaSet (or, with the
// ReplicationController resource, each RC: same algorithm, map selector), as kube's replicaset
// controller does: pods carry a controller ownerReference (orphans that match are adopted, pods that stop
// matching released: claim-pods.ts), surplus pods go first when not ready or
// youngest, and status reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and
// observedGeneration. Expectations stop a lagging cache from causing duplicate creates or deletes.
import type { V1LabelSelector, V1ReplicaSet } from '@kubernetes/client-node';
import { labelSelectorAsSelector, selectorFromSet } from '../../../api/labels.ts';
import type { Selector } from '../../../api/labels.ts';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceInfo } from '../../../api/scheme.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { Source } from '../../../client/source.ts';
import { objectKey } from '../../../client/object-key.ts';
import type { Informer } from '../../../informer/index.ts';
import { waitForSync } from '../../../informer/index.ts';
import { isNotFound } from '../../../lib/errors.ts';
import { Controller } from '../../runtime/index.ts';
import { BY_NAMESPACE } from '../../shared/indexes.ts';
import type { Pod } from '../../shared/types.ts';
import { Expectations, WORKLOADS, isActivePod, isPodReady, ownedPodHandler, podFromTemplate } from '../workload-util.ts';
import { claimPods, watchClaims } from '../claim-pods.ts';

export interface ReplicaSetControllerOptions {
  source: Source;
  info: ResourceInfo;                        // replicasets (apps/v1) or replicationcontrollers (v1)
  owners: Informer<KubeObject>;
  pods: Informer<KubeObject>;
  onError?: (err: unknown, key: string, controller: string) => void;
}

type RS = V1ReplicaSet & KubeObject;

export class ReplicaSetController {
  readonly #o: ReplicaSetControllerOptions;
  readonly #controller: Controller;
  readonly #exp = new Expectations();

  constructor(o: ReplicaSetControllerOptions) {
    this.#o = o;
    this.#controller = new Controller({
      name: o.info.resource, workers: 4, reconcile: (key) => this.reconcile(key),
      ...(o.onError ? { onError: o.onError } : {}),
    });
    const enqueue = (obj: KubeObject) => this.#controller.enqueue(objectKey(obj));
    o.owners.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b), onDelete: (obj) => { this.#exp.forget(objectKey(obj)); } });
    const owned = ownedPodHandler(o.info.kind, this.#exp, (key) => this.#controller.enqueue(key));
    watchClaims(o.pods, o.owners, (owner) => this.#selector(owner as RS), owned, enqueue);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!await waitForSync([this.#o.owners, this.#o.pods], signal)) return;
    await this.#controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const rs = this.#o.owners.get(key) as RS | undefined;
    if (!rs || !this.#exp.satisfied(key)) return;
    const candidates = this.#o.pods.byIndex(BY_NAMESPACE, rs.metadata?.namespace ?? '') as Pod[];
    const pods = await claimPods(this.#o.source, rs, this.#selector(rs), candidates);
    const active = pods.filter(isActivePod);
    const want = rs.metadata?.deletionTimestamp ? active.length : (rs.spec?.replicas ?? 1);
    if (active.length < want) await this.#create(key, rs, want - active.length);
    else if (active.length > want) await this.#delete(key, victims(active, active.length - want));
    await this.#writeStatus(rs, active);
  }

  // #selector is the owner's pod selector: a LabelSelector (ReplicaSet) or an equality map (RC).
  #selector(rs: RS): Selector {
    const sel = rs.spec?.selector as unknown;
    return this.#o.info.kind === 'ReplicationController' ? selectorFromSet(sel as Record<string, string> | undefined) : labelSelectorAsSelector(sel as V1LabelSelector | undefined);
  }

  async #create(key: string, rs: RS, n: number): Promise<void> {
    const created = await Promise.all(Array.from({ length: n }, () => this.#o.source.create(WORKLOADS.pods, podFromTemplate(rs.spec?.template, rs))));
    this.#exp.expect(key, created.map((p) => p.metadata?.name ?? ''));
  }

  async #delete(key: string, pods: Pod[]): Promise<void> {
    this.#exp.expect(key, pods.map((p) => p.metadata?.name ?? ''));
    await Promise.all(pods.map(async (p) => {
      try { await this.#o.source.delete(WORKLOADS.pods, p.metadata?.namespace, p.metadata?.name ?? ''); } catch (e) {
        this.#exp.observe(key, p.metadata?.name ?? '');
        if (!isNotFound(e)) throw e;
      }
    }));
  }

  async #writeStatus(rs: RS, active: Pod[]): Promise<void> {
    const ready = active.filter(isPodReady).length;
    const next = {
      ...(rs.status ?? {}), replicas: active.length, fullyLabeledReplicas: active.length, readyReplicas: ready,
      availableReplicas: ready, observedGeneration: rs.metadata?.generation ?? 0,
    };
    if (isDeepStrictEqual(next, rs.status)) return;
    try {
      await this.#o.source.patch(this.#o.info, rs.metadata?.namespace, rs.metadata?.name ?? '', 'merge', { status: next }, 'status');
    } catch (e) { if (!isNotFound(e)) throw e; }
  }
}

// victims picks the pods to delete: unscheduled, then pending, then not ready, then the youngest.
function victims(pods: Pod[], n: number): Pod[] {
  const rank = (p: Pod) => (!p.spec?.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isPodReady(p) ? 2 : 3);
  const created = (p: Pod) => String(p.metadata?.creationTimestamp ?? '');
  return [...pods].sort((a, b) => rank(a) - rank(b) || created(b).localeCompare(created(a))).slice(0, n);
}
