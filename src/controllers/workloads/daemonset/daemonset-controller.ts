// DaemonSetController runs one pod of each DaemonSet on every node its template fits (nodeSelector, required
// node affinity, taints it tolerates: node-fit.ts), as kube's daemon controller does: pods are bound directly (spec.nodeName), carry a
// controller ownerReference (so the garbage collector deletes them with the DaemonSet) and the
// controller-revision-hash label of their template. A node that stops matching loses its pod; a
// template change replaces pods node by node within rollingUpdate.maxUnavailable (default 1), or only
// when a pod is deleted with the OnDelete strategy. Status carries the counts `kubectl get ds` prints.
import type { V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../../api/types.ts';
import type { Source } from '../../../client/source.ts';
import { objectKey } from '../../../client/object-key.ts';
import type { Informer } from '../../../informer/index.ts';
import { waitForSync } from '../../../informer/index.ts';
import { isNotFound } from '../../../lib/errors.ts';
import { Controller } from '../../runtime/index.ts';
import { labelSelectorAsSelector } from '../../../api/labels.ts';
import { BY_NAMESPACE } from '../../shared/indexes.ts';
import { claimPods, watchClaims } from '../claim-pods.ts';
import type { Pod } from '../../shared/types.ts';
import { templateHash, scaledValue } from '../deployment/rolling.ts';
import { Expectations, WORKLOADS, isActivePod, isPodReady, ownedPodHandler, podFromTemplate } from '../workload-util.ts';
import { planDaemonSet } from './plan.ts';
import { nodeFits } from './node-fit.ts';

export const REVISION_HASH = 'controller-revision-hash';

export interface DaemonSetControllerOptions {
  source: Source;
  daemonSets: Informer<KubeObject>;
  nodes: Informer<KubeObject>;
  pods: Informer<KubeObject>;
  onError?: (err: unknown, key: string, controller: string) => void;
}

type DS = V1DaemonSet & KubeObject;

export class DaemonSetController {
  readonly #o: DaemonSetControllerOptions;
  readonly #controller: Controller;
  readonly #exp = new Expectations();

  constructor(o: DaemonSetControllerOptions) {
    this.#o = o;
    this.#controller = new Controller({ name: 'daemonset', workers: 2, reconcile: (key) => this.reconcile(key), ...(o.onError ? { onError: o.onError } : {}) });
    const enqueue = (obj: KubeObject) => this.#controller.enqueue(objectKey(obj));
    o.daemonSets.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b), onDelete: (obj) => this.#exp.forget(objectKey(obj)) });
    // A node change (added, relabelled, tainted, removed) may change where every DaemonSet runs.
    const all = () => { for (const ds of o.daemonSets.list()) enqueue(ds); };
    const fitChanged = (a: KubeObject, b: KubeObject) => !isDeepStrictEqual(a.metadata?.labels, b.metadata?.labels)
      || !isDeepStrictEqual((a as V1Node).spec?.taints, (b as V1Node).spec?.taints);
    o.nodes.addEventHandler({ onAdd: all, onUpdate: (a, b) => { if (fitChanged(a, b)) all(); }, onDelete: all });
    const owned = ownedPodHandler('DaemonSet', this.#exp, (key) => this.#controller.enqueue(key));
    watchClaims(o.pods, o.daemonSets, (ds) => labelSelectorAsSelector((ds as DS).spec?.selector), owned, enqueue);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!await waitForSync([this.#o.daemonSets, this.#o.nodes, this.#o.pods], signal)) return;
    await this.#controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const ds = this.#o.daemonSets.get(key) as DS | undefined;
    if (!ds || ds.metadata?.deletionTimestamp || !this.#exp.satisfied(key)) return;
    const hash = templateHash(ds.spec?.template);
    // kube's ClaimPods: keep ours that match, adopt matching orphans, release relabelled ones
    const candidates = this.#o.pods.byIndex(BY_NAMESPACE, ds.metadata?.namespace ?? '') as Pod[];
    const pods = (await claimPods(this.#o.source, ds, labelSelectorAsSelector(ds.spec?.selector), candidates)).filter(isActivePod);
    const plan = planDaemonSet({
      nodes: this.#o.nodes.list() as V1Node[], pods, fits: (n) => nodeFits(n, ds.spec?.template?.spec),
      hash, hashOf: (p) => p.metadata?.labels?.[REVISION_HASH] ?? '', isReady: isPodReady,
      onDelete: ds.spec?.updateStrategy?.type === 'OnDelete',
      maxUnavailable: Math.max(1, scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, this.#o.nodes.list().length, false)),
    });
    if (plan.create.length > 0) await this.#create(key, ds, hash, plan.create);
    if (plan.remove.length > 0) await this.#delete(key, plan.remove);
    await this.#writeStatus(ds, plan.status);
  }

  async #create(key: string, ds: DS, hash: string, nodeNames: string[]): Promise<void> {
    const created = await Promise.all(nodeNames.map((nodeName) => {
      const pod = podFromTemplate(ds.spec?.template, ds, { nodeName });
      pod.metadata = { ...pod.metadata, labels: { ...(pod.metadata?.labels ?? {}), [REVISION_HASH]: hash } };
      return this.#o.source.create(WORKLOADS.pods, pod);
    }));
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

  async #writeStatus(ds: DS, counts: Record<string, number>): Promise<void> {
    const next = { ...(ds.status ?? {}), ...counts, observedGeneration: ds.metadata?.generation ?? 0 };
    if (isDeepStrictEqual(next, ds.status)) return;
    try {
      await this.#o.source.patch(WORKLOADS.daemonSets, ds.metadata?.namespace, ds.metadata?.name ?? '', 'merge', { status: next }, 'status');
    } catch (e) { if (!isNotFound(e)) throw e; }
  }
}
