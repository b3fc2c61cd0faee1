// rolling holds the pure arithmetic of a Deployment rollout, after kube's deployment/util: the
// template hash, maxSurge/maxUnavailable resolution, and the replica counts of each step.
import { createHash } from 'node:crypto';
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

// templateHash is a stable short hash of a pod template, written with rand.SafeEncodeString's alphabet.
export function templateHash(t: V1PodTemplateSpec | undefined, collisionCount = 0): string {
  const h = createHash('sha256').update(JSON.stringify(sortKeys(t ?? {}))).update(String(collisionCount)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE[(h[i] ?? 0) % SAFE.length];
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

// scaledValue resolves an IntOrString ("25%" or 3) against total, rounding up or down.
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

// surgeAndUnavailable is ResolveFenceposts: both zero means maxUnavailable 1.
export function surgeAndUnavailable(d: V1Deployment): { surge: number; unavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, replicas, true);
  let unavailable = scaledValue(ru?.maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

const specReplicas = (rs: V1ReplicaSet) => rs.spec?.replicas ?? 0;
const available = (rs: V1ReplicaSet) => rs.status?.availableReplicas ?? 0;

// newReplicaCount is how far the new ReplicaSet may grow now (NewRSNewReplicas).
export function newReplicaCount(d: V1Deployment, all: V1ReplicaSet[], newRS: V1ReplicaSet): number {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate') return replicas;
  const { surge } = surgeAndUnavailable(d);
  const total = all.reduce((n, rs) => n + specReplicas(rs), 0);
  const room = replicas + surge - total;
  if (room <= 0) return Math.min(specReplicas(newRS), replicas);
  return Math.min(specReplicas(newRS) + room, replicas);
}

// oldScaleDown is how many old replicas may go now (reconcileOldReplicaSets' maxScaledDown).
export function oldScaleDown(d: V1Deployment, all: V1ReplicaSet[], newRS: V1ReplicaSet): number {
  const replicas = d.spec?.replicas ?? 1;
  const { unavailable } = surgeAndUnavailable(d);
  const total = all.reduce((n, rs) => n + specReplicas(rs), 0);
  const newUnavailable = specReplicas(newRS) - available(newRS);
  return Math.max(0, total - (replicas - unavailable) - newUnavailable);
}
