// Event plumbing shared by the Endpoints and EndpointSlice controllers: which Service keys a pod event
// concerns, and which pods a Service selects.
import { objectKey } from '../../client/object-key.ts';
import type { Informer } from '../../informer/index.ts';
import { BY_NAMESPACE } from './indexes.ts';
import { selectorMatches } from './pod-util.ts';
import type { Pod, Service } from './types.ts';

// serviceKeysForPods returns the keys of the Services (in the pods' namespace) selecting any of pods.
export function serviceKeysForPods(services: Informer<Service>, pods: readonly Pod[]): Set<string> {
  const keys = new Set<string>();
  for (const pod of pods) {
    for (const svc of services.byIndex(BY_NAMESPACE, pod.metadata?.namespace ?? '')) {
      if (selectorMatches(svc.spec?.selector, pod.metadata?.labels)) keys.add(objectKey(svc));
    }
  }
  return keys;
}

// selectedPods returns the pods of the Service's namespace that its selector matches.
export function selectedPods(pods: Informer<Pod>, svc: Service): Pod[] {
  return pods.byIndex(BY_NAMESPACE, svc.metadata?.namespace ?? '').filter((p) => selectorMatches(svc.spec?.selector, p.metadata?.labels));
}

// hasSelector: the Service selects pods (selector-less Services are left to whoever manages their Endpoints).
export function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

// watchServicePods wires service and pod events to enqueue(serviceKey).
export function watchServicePods(services: Informer<Service>, pods: Informer<Pod>, enqueue: (key: string) => void): void {
  services.addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_p, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  const fan = (...ps: Pod[]) => { for (const k of serviceKeysForPods(services, ps)) enqueue(k); };
  pods.addEventHandler({
    onAdd: (p) => fan(p),
    onUpdate: (prev, cur) => { if (prev !== cur) fan(prev, cur); },
    onDelete: (p) => fan(p),
  });
}
