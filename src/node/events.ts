// events: the Events the node agent records, and the resources it names.
import type { V1Pod } from '@kubernetes/client-node';
import { byKind } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';

function mustInfo(kind: string): ResourceInfo {
  const info = byKind('', 'v1', kind);
  if (!info) throw new Error(`node: v1 ${kind} is not in the scheme`);
  return info;
}

export const PODS = mustInfo('Pod');
export const EVENTS = mustInfo('Event');

// imageEvent says that the pod's images are informational: Portico runs `command` as a host process.
export function imageEvent(pod: V1Pod, nodeName: string): KubeObject {
  const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '').join(', ');
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${pod.metadata?.name ?? 'pod'}.${Date.now().toString(16)}${Math.floor(Math.random() * 4096).toString(16)}`, namespace: pod.metadata?.namespace ?? 'default' },
    involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    reason: 'Pulled', type: 'Normal', count: 1, firstTimestamp: now, lastTimestamp: now,
    message: `Portico runs the container's command as a host process; image "${images}" is informational and was not pulled`,
    source: { component: 'portico-node', host: nodeName },
  };
}
