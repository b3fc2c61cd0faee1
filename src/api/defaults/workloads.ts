// Workload defaulting: apps/v1 Deployment, ReplicaSet, DaemonSet and core/v1 ReplicationController.
import type { V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1ReplicaSet, V1ReplicationController } from '@kubernetes/client-node';
import type { KubeObject } from '../types.ts';
import { defaultPodSpec } from './pod.ts';

function defaultTemplate(t: V1PodTemplateSpec | undefined): void {
  if (t?.spec) defaultPodSpec(t.spec);
}

export function defaultDeployment(obj: KubeObject): void {
  const s = (obj as V1Deployment).spec;
  if (!s) return;
  s.replicas ??= 1;
  s.strategy ??= {};
  s.strategy.type ||= 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= '25%';
    s.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  defaultTemplate(s.template);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const s = (obj as V1ReplicaSet).spec;
  if (!s) return;
  s.replicas ??= 1;
  defaultTemplate(s.template);
}

export function defaultDaemonSet(obj: KubeObject): void {
  const s = (obj as V1DaemonSet).spec;
  if (!s) return;
  s.updateStrategy ??= {};
  s.updateStrategy.type ||= 'RollingUpdate';
  if (s.updateStrategy.type === 'RollingUpdate') {
    s.updateStrategy.rollingUpdate ??= {};
    s.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    s.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  defaultTemplate(s.template);
}

// defaultReplicationController: selector and object labels default to the template labels.
export function defaultReplicationController(obj: KubeObject): void {
  const rc = obj as V1ReplicationController;
  const s = rc.spec;
  if (!s) return;
  const labels = s.template?.metadata?.labels;
  if (labels) {
    if (Object.keys(s.selector ?? {}).length === 0) s.selector = { ...labels };
    const meta = rc.metadata ?? (rc.metadata = {});
    if (Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
  }
  s.replicas ??= 1;
  defaultTemplate(s.template);
}
