// podStatus computes a pod's status from its containers as the kubelet reports it: phase, podIP(s),
// hostIP(s), startTime, the four conditions (PodScheduled, Initialized, ContainersReady, Ready) with
// lastTransitionTime kept from the previous status while a condition does not change, and the
// containerStatuses. Pure.
import type { V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';

export interface PodSnapshot {
  podIP: string;
  hostIP: string;
  startTime: string;
  containers: V1ContainerStatus[];
  everyTerminated: boolean;          // no container runs nor will be restarted
  message?: string;
}

export function podStatus(pod: V1Pod, s: PodSnapshot, now: string): V1PodStatus {
  const all = s.containers;
  const ready = all.length > 0 && all.every((c) => c.ready);
  const phase = podPhase(s);
  const prev = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string): V1PodCondition => {
    const status = ok ? 'True' : 'False';
    const old = prev.find((c) => c.type === type);
    const since = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now as unknown as Date;
    return { type, status, lastTransitionTime: since, ...(!ok && reason ? { reason } : {}) };
  };
  const notReady = phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  const out: V1PodStatus = {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', true), cond('Initialized', true),
      cond('Ready', ready, notReady), cond('ContainersReady', ready, notReady), cond('PodScheduled', true),
    ],
    hostIP: s.hostIP, hostIPs: [{ ip: s.hostIP }],
    podIP: s.podIP, podIPs: [{ ip: s.podIP }],
    startTime: s.startTime as unknown as Date,
    containerStatuses: all,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
  if (s.message) out.message = s.message;
  return out;
}

function podPhase(s: PodSnapshot): string {
  const all = s.containers;
  if (s.everyTerminated && all.length > 0) {
    return all.every((c) => c.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  const started = all.some((c) => c.state?.running || c.lastState?.terminated || c.state?.terminated);
  return started ? 'Running' : 'Pending';
}
