// EndpointSliceController keeps each selector Service's EndpointSlices equal to its selected pods, as
// kube-controller-manager's endpointslice controller does: slices named by generateName "<svc>-",
// labelled with the service name and managed-by, owned by the Service, at most maxEndpointsPerSlice
// endpoints each, written with minimal churn (planSlices). Slices go with their Service through the GC.
import { objectKey, splitKey } from '../../client/object-key.ts';
import type { Source } from '../../client/source.ts';
import type { Informer } from '../../informer/index.ts';
import { waitForSync } from '../../informer/index.ts';
import { Controller } from '../runtime/index.ts';
import { BY_MANAGED_SERVICE, ensureManagedServiceIndex, ensureNamespaceIndex, managedServiceKey } from '../shared/indexes.ts';
import { hasSelector, selectedPods, watchServicePods } from '../shared/service-pods.ts';
import { SliceTracker } from '../shared/slice-tracker.ts';
import { applySlicePlan } from '../shared/slice-writer.ts';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MANAGED_BY_SLICE_CONTROLLER } from '../shared/types.ts';
import type { EndpointSlice, Pod, Service } from '../shared/types.ts';
import { triggerTime } from '../endpoints/desired-endpoints.ts';
import { desiredSliceEndpoints } from './desired-slices.ts';
import { planSlices } from './plan-slices.ts';

export interface EndpointSliceControllerOptions {
  source: Source;
  pods: Informer<Pod>;
  services: Informer<Service>;
  endpointSlices: Informer<EndpointSlice>;
  maxEndpointsPerSlice?: number;   // default 100, as kube-controller-manager's --max-endpoints-per-slice
  workers?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

const STALE_RETRY_MS = 20;

export class EndpointSliceController {
  readonly #opts: EndpointSliceControllerOptions;
  readonly #controller: Controller;
  readonly #tracker = new SliceTracker();
  readonly #max: number;

  constructor(opts: EndpointSliceControllerOptions) {
    this.#max = opts.maxEndpointsPerSlice ?? 100;
    if (!Number.isInteger(this.#max) || this.#max < 1 || this.#max > 1000) throw new TypeError('EndpointSliceController: maxEndpointsPerSlice must be 1..1000');
    this.#opts = opts;
    this.#controller = new Controller({
      name: 'endpointslice', workers: opts.workers ?? 4, reconcile: (key) => this.reconcile(key),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    ensureNamespaceIndex(opts.pods);
    ensureNamespaceIndex(opts.services);
    ensureManagedServiceIndex(opts.endpointSlices);
    const enqueue = (key: string) => this.#controller.enqueue(key);
    watchServicePods(opts.services, opts.pods, enqueue);
    const onSlice = (s: EndpointSlice) => {
      const l = s.metadata?.labels ?? {};
      const svc = l[LABEL_SERVICE_NAME];
      if (svc && l[LABEL_MANAGED_BY] === MANAGED_BY_SLICE_CONTROLLER) enqueue(`${s.metadata?.namespace ?? ''}/${svc}`);
    };
    opts.endpointSlices.addEventHandler({ onAdd: onSlice, onUpdate: (_p, s) => onSlice(s), onDelete: onSlice });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { pods, services, endpointSlices } = this.#opts;
    if (!await waitForSync([pods, services, endpointSlices], signal)) return;
    await this.#controller.run(signal);
  }

  // reconcile converges the slices of the Service named key ("ns/name").
  async reconcile(key: string): Promise<void> {
    const { source, services, pods, endpointSlices } = this.#opts;
    const { namespace, name } = splitKey(key);
    const slices = endpointSlices.byIndex(BY_MANAGED_SERVICE, managedServiceKey(MANAGED_BY_SLICE_CONTROLLER, namespace ?? '', name));
    const svc = services.get(key);
    if (!svc || !hasSelector(svc) || svc.spec?.type === 'ExternalName') {
      // The GC removes slices of a deleted Service through their ownerReference; a Service that lost its
      // selector keeps none of ours.
      if (svc) await applySlicePlan(source, this.#tracker, key, { create: [], update: [], delete: slices });
      else this.#tracker.forget(key);
      return;
    }
    if (this.#tracker.stale(key, slices)) { this.#controller.queue.addAfter(key, STALE_RETRY_MS); return; }
    const selected = selectedPods(pods, svc);
    const plan = planSlices({
      service: svc, groups: desiredSliceEndpoints(svc, selected), existing: slices,
      maxPerSlice: this.#max, managedBy: MANAGED_BY_SLICE_CONTROLLER, triggerTime: triggerTime(svc, selected),
    });
    await applySlicePlan(source, this.#tracker, objectKey(svc), plan);
  }
}
