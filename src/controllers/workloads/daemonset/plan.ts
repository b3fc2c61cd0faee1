// planDaemonSet decides, for one DaemonSet, which nodes need a pod and which pods must go, and counts
// the status fields. Pure: the controller applies the plan.
import type { V1Node } from '@kubernetes/client-node';
import type { Pod } from '../../shared/types.ts';

export interface DaemonSetPlanInput {
  nodes: V1Node[];
  pods: Pod[];                                // the DaemonSet's active pods
  fits: (node: V1Node) => boolean;             // the node should run this DaemonSet's pod (node-fit.ts)
  hash: string;                               // the current template's revision hash
  hashOf: (p: Pod) => string;
  isReady: (p: Pod) => boolean;
  onDelete: boolean;                          // updateStrategy OnDelete: never replace for a new template
  maxUnavailable: number;
}

export interface DaemonSetPlan {
  create: string[];                           // node names
  remove: Pod[];
  status: {
    desiredNumberScheduled: number; currentNumberScheduled: number; numberMisscheduled: number;
    numberReady: number; numberAvailable: number; numberUnavailable: number; updatedNumberScheduled: number;
  };
}

export function planDaemonSet(inp: DaemonSetPlanInput): DaemonSetPlan {
  const wanted = inp.nodes.filter(inp.fits).map((n) => n.metadata?.name ?? '');
  const wantedSet = new Set(wanted);
  const byNode = new Map<string, Pod[]>();
  for (const p of inp.pods) {
    const n = p.spec?.nodeName ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const create: string[] = [];
  const remove: Pod[] = [];
  const kept: Pod[] = [];
  let misscheduled = 0;
  for (const [node, pods] of byNode) {
    if (wantedSet.has(node)) continue;
    misscheduled++;
    remove.push(...pods);
  }
  const rank = (p: Pod) => (inp.hashOf(p) === inp.hash ? 0 : 2) + (inp.isReady(p) ? 0 : 1);
  for (const node of wanted) {
    const pods = [...(byNode.get(node) ?? [])].sort((a, b) => rank(a) - rank(b) || created(a).localeCompare(created(b)));
    const [first, ...extra] = pods;
    if (!first) { create.push(node); continue; }
    kept.push(first);
    remove.push(...extra);
  }
  if (!inp.onDelete) remove.push(...rollingVictims(kept, wanted.length, inp));
  const ready = kept.filter(inp.isReady).length;
  return {
    create, remove,
    status: {
      desiredNumberScheduled: wanted.length, currentNumberScheduled: kept.length, numberMisscheduled: misscheduled,
      numberReady: ready, numberAvailable: ready, numberUnavailable: wanted.length - ready,
      updatedNumberScheduled: kept.filter((p) => inp.hashOf(p) === inp.hash).length,
    },
  };
}

// rollingVictims: old pods to replace now. Unready old pods go at once; ready ones only while fewer than
// maxUnavailable of the wanted nodes lack a ready pod.
function rollingVictims(kept: Pod[], wanted: number, inp: DaemonSetPlanInput): Pod[] {
  const old = kept.filter((p) => inp.hashOf(p) !== inp.hash);
  const out = old.filter((p) => !inp.isReady(p));
  let unavailable = wanted - kept.filter(inp.isReady).length;
  for (const p of old) {
    if (!inp.isReady(p) || unavailable >= inp.maxUnavailable) continue;
    out.push(p);
    unavailable++;
  }
  return out;
}

function created(p: Pod): string { return String(p.metadata?.creationTimestamp ?? ''); }
