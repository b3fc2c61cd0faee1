// EndpointsController keeps each selector Service's Endpoints equal to its selected pods, as
// kube-controller-manager's endpoint controller does; Endpoints of selector-less Services are never
// touched, and a Service's Endpoints are deleted when the Service goes.
import type { Source } from '../../client/source.ts';
import { objectKey, splitKey } from '../../client/object-key.ts';
import type { Informer } from '../../informer/index.ts';
import { waitForSync } from '../../informer/index.ts';
import { isAlreadyExists, isNotFound } from '../../lib/errors.ts';
import { Controller } from '../runtime/index.ts';
import { ensureNamespaceIndex } from '../shared/indexes.ts';
import { hasSelector, selectedPods, watchServicePods } from '../shared/service-pods.ts';
import { INFO } from '../shared/types.ts';
import type { Endpoints, Pod, Service } from '../shared/types.ts';
import { convergeEndpoints, desiredEndpoints, triggerTime } from './desired-endpoints.ts';

export interface EndpointsControllerOptions {
  source: Source;
  pods: Informer<Pod>;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  workers?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

export class EndpointsController {
  readonly #opts: EndpointsControllerOptions;
  readonly #controller: Controller;

  constructor(opts: EndpointsControllerOptions) {
    this.#opts = opts;
    this.#controller = new Controller({
      name: 'endpoints', workers: opts.workers ?? 4, reconcile: (key) => this.reconcile(key),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    ensureNamespaceIndex(opts.pods);
    ensureNamespaceIndex(opts.services);
    const enqueue = (key: string) => this.#controller.enqueue(key);
    watchServicePods(opts.services, opts.pods, enqueue);
    opts.endpoints.onDelete((ep) => enqueue(objectKey(ep)));
  }

  // run waits for the informers to sync, then reconciles until the signal aborts.
  async run(signal: AbortSignal): Promise<void> {
    const { pods, services, endpoints } = this.#opts;
    if (!await waitForSync([pods, services, endpoints], signal)) return;
    await this.#controller.run(signal);
  }

  // reconcile converges the Endpoints named key ("ns/name") to its Service's pods.
  async reconcile(key: string): Promise<void> {
    const { source, services, endpoints, pods } = this.#opts;
    const svc = services.get(key);
    const current = endpoints.get(key);
    if (!svc) {
      if (current) await ignoreNotFound(source.delete(INFO.endpoints, current.metadata?.namespace, current.metadata?.name ?? ''));
      return;
    }
    if (!hasSelector(svc) || svc.spec?.type === 'ExternalName') return;
    const selected = selectedPods(pods, svc);
    const next = convergeEndpoints(current, svc, desiredEndpoints(svc, selected), triggerTime(svc, selected));
    if (!next) return;
    if (current) {
      await source.update(INFO.endpoints, next);
      return;
    }
    try {
      await source.create(INFO.endpoints, next);
    } catch (err) {
      // AlreadyExists: our cache has not seen it yet; the retry compares against it.
      if (!isAlreadyExists(err)) throw err;
      const { namespace, name } = splitKey(key);
      const live = await source.get(INFO.endpoints, namespace, name) as Endpoints;
      const again = convergeEndpoints(live, svc, desiredEndpoints(svc, selected), triggerTime(svc, selected));
      if (again) await source.update(INFO.endpoints, again);
    }
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (err) { if (!isNotFound(err)) throw err; }
}
