// DeploymentController runs Deployments as kube's deployment controller does: one ReplicaSet per pod
// template (named <deployment>-<pod-template-hash>, labelled and selected by pod-template-hash, with the
// revision annotation), a RollingUpdate that grows the new ReplicaSet within maxSurge and shrinks old
// ones within maxUnavailable (Recreate: old to zero first), and the status `kubectl rollout status`
// reads: observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas,
// unavailableReplicas and the Available and Progressing conditions.
import type { V1Deployment, V1DeploymentCondition, V1ReplicaSet } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../../api/types.ts';
import type { Source } from '../../../client/source.ts';
import { objectKey } from '../../../client/object-key.ts';
import type { Informer } from '../../../informer/index.ts';
import { waitForSync } from '../../../informer/index.ts';
import { isAlreadyExists, isNotFound } from '../../../lib/errors.ts';
import { Controller } from '../../runtime/index.ts';
import { labelSelectorAsSelector } from '../../../api/labels.ts';
import { BY_NAMESPACE } from '../../shared/indexes.ts';
import { claimReplicaSets, watchClaims } from '../claim-pods.ts';
import { POD_TEMPLATE_HASH, REVISION_ANNOTATION, WORKLOADS, controllerRef } from '../workload-util.ts';
import { newReplicaCount, oldScaleDown, surgeAndUnavailable, templateHash } from './rolling.ts';

export interface DeploymentControllerOptions {
  source: Source;
  deployments: Informer<KubeObject>;
  replicaSets: Informer<KubeObject>;
  onError?: (err: unknown, key: string, controller: string) => void;
}

type Deployment = V1Deployment & KubeObject;
type RS = V1ReplicaSet & KubeObject;

export class DeploymentController {
  readonly #o: DeploymentControllerOptions;
  readonly #controller: Controller;

  constructor(o: DeploymentControllerOptions) {
    this.#o = o;
    this.#controller = new Controller({ name: 'deployment', workers: 4, reconcile: (key) => this.reconcile(key), ...(o.onError ? { onError: o.onError } : {}) });
    const enqueue = (obj: KubeObject) => this.#controller.enqueue(objectKey(obj));
    o.deployments.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b) });
    const owned = (rs: KubeObject) => {
      const ctl = (rs.metadata?.ownerReferences ?? []).find((r) => r.controller);
      if (ctl?.kind === 'Deployment') this.#controller.enqueue(`${rs.metadata?.namespace ?? ''}/${ctl.name}`);
    };
    watchClaims(o.replicaSets, o.deployments, (d) => labelSelectorAsSelector((d as Deployment).spec?.selector), owned, enqueue);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!await waitForSync([this.#o.deployments, this.#o.replicaSets], signal)) return;
    await this.#controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const d = this.#o.deployments.get(key) as Deployment | undefined;
    if (!d || d.metadata?.deletionTimestamp) return;
    // kube's ClaimReplicaSets: keep ours that match, adopt matching orphans, release ours that do not match
    const candidates = this.#o.replicaSets.byIndex(BY_NAMESPACE, d.metadata?.namespace ?? '') as RS[];
    const owned = await claimReplicaSets(this.#o.source, d, labelSelectorAsSelector(d.spec?.selector), candidates);
    const hash = templateHash(d.spec?.template, d.status?.collisionCount ?? 0);
    let newRS = owned.find((rs) => rs.metadata?.labels?.[POD_TEMPLATE_HASH] === hash);
    const olds = owned.filter((rs) => rs !== newRS);
    if (!newRS) {
      newRS = await this.#createRS(d, hash, olds);
      if (!newRS) return;
    }
    const all = [...olds, newRS];
    if (!d.spec?.paused) {
      const recreate = d.spec?.strategy?.type === 'Recreate';
      const oldPods = olds.reduce((n, rs) => n + (rs.status?.replicas ?? 0) + (rs.spec?.replicas ?? 0), 0);
      if (!recreate || oldPods === 0) await this.#scale(newRS, newReplicaCount(d, all, newRS));
      let budget = recreate ? Infinity : oldScaleDown(d, all, newRS);
      for (const rs of [...olds].sort(byCreation)) {
        const cur = rs.spec?.replicas ?? 0;
        const cut = Math.min(cur, budget);
        if (cut > 0) { await this.#scale(rs, cur - cut); budget -= cut; }
      }
    }
    await this.#writeStatus(d, newRS, all);
  }

  async #createRS(d: Deployment, hash: string, olds: RS[]): Promise<RS | undefined> {
    const revision = 1 + Math.max(0, ...olds.map((rs) => Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0)));
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const sel = d.spec?.selector ?? {};
    const rs: RS = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name ?? ''}-${hash}`, namespace: d.metadata?.namespace ?? 'default',
        labels: { ...(template.metadata.labels ?? {}) }, ownerReferences: [controllerRef(d)],
        annotations: { [REVISION_ANNOTATION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1) },
      },
      spec: {
        replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, template,
        selector: { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
      },
    };
    try {
      const created = await this.#o.source.create(WORKLOADS.replicaSets, rs) as RS;
      await this.#o.source.patch(WORKLOADS.deployments, d.metadata?.namespace, d.metadata?.name ?? '', 'merge', { metadata: { annotations: { [REVISION_ANNOTATION]: String(revision) } } });
      return created;
    } catch (e) {
      if (isAlreadyExists(e)) return undefined;   // our cache lags; the RS event requeues us
      throw e;
    }
  }

  async #scale(rs: RS, replicas: number): Promise<void> {
    if ((rs.spec?.replicas ?? 0) === replicas) return;
    try {
      await this.#o.source.patch(WORKLOADS.replicaSets, rs.metadata?.namespace, rs.metadata?.name ?? '', 'merge', { spec: { replicas } });
    } catch (e) { if (!isNotFound(e)) throw e; }
  }

  async #writeStatus(d: Deployment, newRS: RS, all: RS[]): Promise<void> {
    const sum = (f: (rs: RS) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const want = d.spec?.replicas ?? 1;
    const replicas = sum((rs) => rs.status?.replicas);
    const updated = newRS.status?.replicas ?? 0;
    const availableN = sum((rs) => rs.status?.availableReplicas);
    const { unavailable } = surgeAndUnavailable(d);
    const complete = updated === want && replicas === want && availableN === want && (newRS.status?.observedGeneration ?? 0) >= (newRS.metadata?.generation ?? 0);
    const status = {
      ...(d.status ?? {}),
      observedGeneration: d.metadata?.generation ?? 0, replicas, updatedReplicas: updated,
      readyReplicas: sum((rs) => rs.status?.readyReplicas), availableReplicas: availableN,
      unavailableReplicas: Math.max(0, want - availableN),
      conditions: [
        condition(d, 'Available', availableN >= want - unavailable, availableN >= want - unavailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          availableN >= want - unavailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
        condition(d, 'Progressing', true, complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          complete ? `ReplicaSet "${newRS.metadata?.name ?? ''}" has successfully progressed.` : `ReplicaSet "${newRS.metadata?.name ?? ''}" is progressing.`),
      ],
    };
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(status)), JSON.parse(JSON.stringify(d.status ?? {})))) return;
    try {
      await this.#o.source.patch(WORKLOADS.deployments, d.metadata?.namespace, d.metadata?.name ?? '', 'merge', { status }, 'status');
    } catch (e) { if (!isNotFound(e)) throw e; }
  }
}

function condition(d: Deployment, type: string, ok: boolean, reason: string, message: string): V1DeploymentCondition {
  const status = ok ? 'True' : 'False';
  const old = d.status?.conditions?.find((c) => c.type === type);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date;
  const since = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now;
  const updated = old && old.reason === reason && old.lastUpdateTime ? old.lastUpdateTime : now;
  return { type, status, reason, message, lastTransitionTime: since, lastUpdateTime: updated };
}

function byCreation(a: RS, b: RS): number {
  return String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''));
}
