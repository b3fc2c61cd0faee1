// pod-lifecycle holds the two pod-specific rules of the registry in embedded mode, both keyed on
// RegistryOptions.localNodeName (the node whose agent runs pods in this process):
// - scheduling as an admission default: a pod created without spec.nodeName is bound to the local node
//   (one node, so the scheduler's decision is known at create; no unscheduled window, no binding race);
// - graceful deletion, as podStrategy.CheckGracefulDelete: a pod bound to the local node, not yet
//   terminal, keeps deletionTimestamp + deletionGracePeriodSeconds until its agent deletes it with
//   grace 0. Pods bound to other nodes, unscheduled pods and every other kind delete at once.
import type { V1Pod } from '@kubernetes/client-node';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { RegistryContext } from './context.ts';
import type { DeleteOptions } from './types.ts';

const DEFAULT_GRACE_SECONDS = 30;

export function isPod(info: ResourceInfo): boolean { return info.group === '' && info.resource === 'pods'; }

// bindToLocalNode sets spec.nodeName of a new pod to the local node when it names none.
export function bindToLocalNode(ctx: RegistryContext, info: ResourceInfo, obj: KubeObject): void {
  if (!isPod(info) || !ctx.localNodeName) return;
  const spec = (obj as V1Pod).spec;
  if (spec && !spec.nodeName) spec.nodeName = ctx.localNodeName;
}

// deleteGraceSeconds is the grace period a DELETE of obj starts with: 0 means remove at once.
export function deleteGraceSeconds(ctx: RegistryContext, info: ResourceInfo, obj: KubeObject, opts: DeleteOptions): number {
  if (!isPod(info) || !ctx.localNodeName) return 0;
  const pod = obj as V1Pod;
  if (pod.spec?.nodeName !== ctx.localNodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  return Math.max(0, g);
}

// graceRemaining: the deletionGracePeriodSeconds a deleting object still waits on (0 when none).
export function graceRemaining(obj: KubeObject): number {
  return obj.metadata?.deletionGracePeriodSeconds ?? 0;
}
