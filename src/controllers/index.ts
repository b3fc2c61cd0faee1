// startControllers runs Portico's controllers over a Source: one shared informer per resource of the
// scheme, reused by every controller (Endpoints, EndpointSlice, EndpointSlice mirroring, garbage
// collector, namespace). It resolves once every cache has synced; the controllers keep running until
// the signal aborts, and `done` settles when they have all stopped.
import { RESOURCES } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/source.ts';
import { Informer, waitForSync } from '../informer/index.ts';
import { EndpointsController } from './endpoints/endpoints-controller.ts';
import { EndpointSliceController } from './endpointslice/endpointslice-controller.ts';
import { EndpointSliceMirroringController } from './endpointslice-mirroring/endpointslice-mirroring-controller.ts';
import { GarbageCollector } from './gc/garbage-collector.ts';
import { NamespaceController } from './namespace/namespace-controller.ts';
import { INFO } from './shared/types.ts';
import { DeploymentController } from './workloads/deployment/deployment-controller.ts';
import { ReplicaSetController } from './workloads/replicaset/replicaset-controller.ts';
import { DaemonSetController } from './workloads/daemonset/daemonset-controller.ts';
import { newReplicationControllerController } from './workloads/replicationcontroller/replication-controller.ts';
import { WORKLOADS } from './workloads/workload-util.ts';
import type { EndpointSlice, Endpoints, Namespace, Pod, Service } from './shared/types.ts';

export { Controller, WorkQueue } from './runtime/index.ts';
export type { ControllerOptions, WorkQueueOptions } from './runtime/index.ts';
export { EndpointsController } from './endpoints/endpoints-controller.ts';
export { desiredEndpoints, convergeEndpoints } from './endpoints/desired-endpoints.ts';
export { EndpointSliceController } from './endpointslice/endpointslice-controller.ts';
export { desiredSliceEndpoints } from './endpointslice/desired-slices.ts';
export { planSlices } from './endpointslice/plan-slices.ts';
export { EndpointSliceMirroringController } from './endpointslice-mirroring/endpointslice-mirroring-controller.ts';
export { GarbageCollector } from './gc/garbage-collector.ts';
export { NamespaceController } from './namespace/namespace-controller.ts';
export { DeploymentController } from './workloads/deployment/deployment-controller.ts';
export { ReplicaSetController } from './workloads/replicaset/replicaset-controller.ts';
export { DaemonSetController } from './workloads/daemonset/daemonset-controller.ts';
export { newReplicationControllerController } from './workloads/replicationcontroller/replication-controller.ts';

export interface StartControllersOptions {
  source: Source;
  signal: AbortSignal;
  endpointsPerSlice?: number;          // default 100
  resyncMs?: number;                   // informer resync period; default none
  onError?: (err: unknown, where: string) => void;
}

export interface RunningControllers {
  // informers: the shared informer of each resource, by "<group>/<resource>" ("/pods", "discovery.k8s.io/endpointslices").
  informers: ReadonlyMap<string, Informer<KubeObject>>;
  done: Promise<void>;
}

// collectedResources: every stored resource of the scheme (legacy served versions are the same objects).
function collectedResources(): ResourceInfo[] {
  return RESOURCES.filter((r) => !r.storage && r.verbs.includes('list') && r.verbs.includes('watch'));
}

export async function startControllers(opts: StartControllersOptions): Promise<RunningControllers> {
  const { source, signal } = opts;
  const report = (where: string) => (err: unknown) => opts.onError?.(err, where);
  const informers = new Map<string, Informer<KubeObject>>();
  for (const info of collectedResources()) {
    informers.set(`${info.group}/${info.resource}`, new Informer({
      source, info, onError: report(`informer ${info.resource}`), ...(opts.resyncMs ? { resyncMs: opts.resyncMs } : {}),
    }));
  }
  const get = <T extends KubeObject>(info: ResourceInfo) => informers.get(`${info.group}/${info.resource}`) as unknown as Informer<T>;
  const pods = get<Pod>(INFO.pods);
  const services = get<Service>(INFO.services);
  const endpoints = get<Endpoints>(INFO.endpoints);
  const endpointSlices = get<EndpointSlice>(INFO.endpointSlices);
  const onError = (err: unknown, key: string, controller: string) => opts.onError?.(err, `${controller} ${key}`);
  const controllers = [
    new EndpointsController({ source, pods, services, endpoints, onError }),
    new EndpointSliceController({ source, pods, services, endpointSlices, onError, ...(opts.endpointsPerSlice ? { maxEndpointsPerSlice: opts.endpointsPerSlice } : {}) }),
    new EndpointSliceMirroringController({ source, services, endpoints, endpointSlices, onError }),
    new GarbageCollector({ source, informers: [...informers.values()], onError }),
    new NamespaceController({
      source, namespaces: get<Namespace>(INFO.namespaces), resources: collectedResources(), informers: [...informers.values()], onError,
    }),
    new ReplicaSetController({ source, info: WORKLOADS.replicaSets, owners: get(WORKLOADS.replicaSets), pods: get(WORKLOADS.pods), onError }),
    newReplicationControllerController({ source, replicationControllers: get(WORKLOADS.replicationControllers), pods: get(WORKLOADS.pods), onError }),
    new DaemonSetController({ source, daemonSets: get(WORKLOADS.daemonSets), nodes: get(WORKLOADS.nodes), pods: get(WORKLOADS.pods), onError }),
    new DeploymentController({ source, deployments: get(WORKLOADS.deployments), replicaSets: get(WORKLOADS.replicaSets), onError }),
  ];
  const runs = [...[...informers.values()].map((i) => i.run(signal)), ...controllers.map((c) => c.run(signal))];
  const done = Promise.allSettled(runs).then((results) => {
    for (const r of results) if (r.status === 'rejected') opts.onError?.(r.reason, 'controllers');
  });
  await waitForSync([...informers.values()], signal);
  return { informers, done };
}
