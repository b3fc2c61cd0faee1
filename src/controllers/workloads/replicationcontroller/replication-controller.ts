// ReplicationControllerController runs v1 ReplicationControllers: kube's replication manager is the
// ReplicaSet controller over another resource (an equality selector instead of a LabelSelector), and so
// is ours — pods are found through their controller ownerReference, which is also what the garbage
// collector follows when the RC is deleted.
import type { KubeObject } from '../../../api/types.ts';
import type { Source } from '../../../client/source.ts';
import type { Informer } from '../../../informer/index.ts';
import { ReplicaSetController } from '../replicaset/replicaset-controller.ts';
import { WORKLOADS } from '../workload-util.ts';

export interface ReplicationControllerControllerOptions {
  source: Source;
  replicationControllers: Informer<KubeObject>;
  pods: Informer<KubeObject>;
  onError?: (err: unknown, key: string, controller: string) => void;
}

export function newReplicationControllerController(o: ReplicationControllerControllerOptions): ReplicaSetController {
  return new ReplicaSetController({
    source: o.source, info: WORKLOADS.replicationControllers, owners: o.replicationControllers, pods: o.pods,
    ...(o.onError ? { onError: o.onError } : {}),
  });
}
