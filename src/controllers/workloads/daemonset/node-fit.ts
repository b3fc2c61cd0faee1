// nodeFits is kube's nodeShouldRunDaemonPod predicate for one node and a DaemonSet's pod template: the
// nodeSelector, the required node affinity (nodeSelectorTerms ORed, each term's expressions ANDed; labels
// through matchExpressions, the node name through matchFields), and the node's NoSchedule/NoExecute taints,
// which the template must tolerate. Like kube, a DaemonSet pod tolerates the node-condition taints a
// daemon must survive (not-ready, unreachable, pressure, unschedulable; network-unavailable with
// hostNetwork). PreferNoSchedule taints never keep a daemon pod off a node.
import type { V1Node, V1NodeSelectorRequirement, V1PodSpec, V1Taint, V1Toleration } from '@kubernetes/client-node';

const DAEMON_TOLERATIONS: V1Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: V1Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

export function nodeFits(node: V1Node, spec: V1PodSpec | undefined): boolean {
  if (node.metadata?.deletionTimestamp) return false;
  const labels = node.metadata?.labels ?? {};
  if (!Object.entries(spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) {
    const fields: Record<string, string> = { 'metadata.name': node.metadata?.name ?? '' };
    const termMatches = (t: { matchExpressions?: V1NodeSelectorRequirement[]; matchFields?: V1NodeSelectorRequirement[] }) =>
      (t.matchExpressions?.length || t.matchFields?.length)
      && (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels))
      && (t.matchFields ?? []).every((r) => requirementMatches(r, fields));
    if (!terms.some(termMatches)) return false;
  }
  const tolerations = [...(spec?.tolerations ?? []), ...DAEMON_TOLERATIONS, ...(spec?.hostNetwork ? [HOST_NETWORK_TOLERATION] : [])];
  return (node.spec?.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || tolerations.some((tol) => tolerates(tol, t)));
}

// requirementMatches is a NodeSelectorRequirement against labels (or fields).
function requirementMatches(r: V1NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return v !== undefined && values.includes(v);
    case 'NotIn': return v === undefined || !values.includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt': case 'Lt': {
      const n = Number(v), bound = Number(values[0]);
      if (v === undefined || values.length !== 1 || !/^-?\d+$/.test(v) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default: return false;
  }
}

// tolerates is v1.Toleration.ToleratesTaint.
export function tolerates(tol: V1Toleration, taint: V1Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  if (!tol.key && tol.operator !== 'Exists') return false;
  if (tol.operator === 'Exists') return true;
  return (tol.value ?? '') === (taint.value ?? '');
}
