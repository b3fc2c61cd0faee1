// EndpointSliceMirroringController mirrors the Endpoints of selector-less Services (written by users or
// other controllers) into EndpointSlices managed by endpointslicemirroring-controller.k8s.io, as kube's
// controller does; the mirrored slices go when the Endpoints or the Service goes, or the Service gains
// a selector.
import { splitKey } from '../../client/object-key.ts';
import type { Source } from '../../client/source.ts';
import type { Informer } from '../../informer/index.ts';
import { waitForSync } from '../../informer/index.ts';
import { planSlices } from '../endpointslice/plan-slices.ts';
import { Controller } from '../runtime/index.ts';
import { BY_MANAGED_SERVICE, ensureManagedServiceIndex, managedServiceKey } from '../shared/indexes.ts';
import { hasSelector } from '../shared/service-pods.ts';
import { SliceTracker } from '../shared/slice-tracker.ts';
import { applySlicePlan } from '../shared/slice-writer.ts';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MANAGED_BY_MIRRORING_CONTROLLER } from '../shared/types.ts';
import type { EndpointSlice, Endpoints, Service } from '../shared/types.ts';
import { objectKey } from '../../client/object-key.ts';
import { mirrorGroups, mirroredLabels, skipMirror } from './mirror-endpoints.ts';

export interface EndpointSliceMirroringControllerOptions {
  source: Source;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
  maxEndpointsPerSlice?: number;   // default 1000 (kube's --mirroring-max-endpoints-per-subset)
  workers?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

const STALE_RETRY_MS = 20;

export class EndpointSliceMirroringController {
  readonly #opts: EndpointSliceMirroringControllerOptions;
  readonly #controller: Controller;
  readonly #tracker = new SliceTracker();
  readonly #max: number;

  constructor(opts: EndpointSliceMirroringControllerOptions) {
    this.#max = opts.maxEndpointsPerSlice ?? 1000;
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new TypeError('EndpointSliceMirroringController: maxEndpointsPerSlice must be a positive integer');
    this.#opts = opts;
    this.#controller = new Controller({
      name: 'endpointslice-mirroring', workers: opts.workers ?? 2, reconcile: (key) => this.reconcile(key),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    ensureManagedServiceIndex(opts.endpointSlices);
    const enqueue = (key: string) => this.#controller.enqueue(key);
    for (const inf of [opts.services, opts.endpoints] as const) {
      inf.addEventHandler({ onAdd: (o) => enqueue(objectKey(o)), onUpdate: (_p, o) => enqueue(objectKey(o)), onDelete: (o) => enqueue(objectKey(o)) });
    }
    const onSlice = (s: EndpointSlice) => {
      const l = s.metadata?.labels ?? {};
      const svc = l[LABEL_SERVICE_NAME];
      if (svc && l[LABEL_MANAGED_BY] === MANAGED_BY_MIRRORING_CONTROLLER) enqueue(`${s.metadata?.namespace ?? ''}/${svc}`);
    };
    opts.endpointSlices.addEventHandler({ onAdd: onSlice, onUpdate: (_p, s) => onSlice(s), onDelete: onSlice });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { services, endpoints, endpointSlices } = this.#opts;
    if (!await waitForSync([services, endpoints, endpointSlices], signal)) return;
    await this.#controller.run(signal);
  }

  // reconcile converges the mirrored slices of the Endpoints/Service named key ("ns/name").
  async reconcile(key: string): Promise<void> {
    const { source, services, endpoints, endpointSlices } = this.#opts;
    const { namespace, name } = splitKey(key);
    const slices = endpointSlices.byIndex(BY_MANAGED_SERVICE, managedServiceKey(MANAGED_BY_MIRRORING_CONTROLLER, namespace ?? '', name));
    const svc = services.get(key);
    const ep = endpoints.get(key);
    if (this.#tracker.stale(key, slices)) { this.#controller.queue.addAfter(key, STALE_RETRY_MS); return; }
    if (!svc || hasSelector(svc) || !ep || skipMirror(ep)) {
      if (slices.length > 0) await applySlicePlan(source, this.#tracker, key, { create: [], update: [], delete: slices });
      return;
    }
    const plan = planSlices({
      service: svc, groups: mirrorGroups(ep), existing: slices, maxPerSlice: this.#max,
      managedBy: MANAGED_BY_MIRRORING_CONTROLLER, baseLabels: mirroredLabels(ep), placeholder: false,
    });
    await applySlicePlan(source, this.#tracker, key, plan);
  }
}
