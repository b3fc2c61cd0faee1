// ServiceProxy is the proxy's control loop, once for every backend: source handlers record changes in the
// trackers, a bounded-frequency runner coalesces them, and each sync plans the whole state (pure) and hands
// it to the backend. Nothing is applied before the source has synced.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { EventRecorder, L4Backend, ProxyLogger } from './backend.ts';
import { nopLogger } from './backend.ts';
import { planL4 } from './plan/plan-l4.ts';
import type { L4Plan, PlanNode, PlanProblem } from './plan/types.ts';
import { BoundedFrequencyRunner } from './runner/bounded-frequency-runner.ts';
import type { ProxySource } from './source.ts';
import { EndpointsChangeTracker } from './tracker/endpoints-change-tracker.ts';
import { ServiceChangeTracker } from './tracker/service-change-tracker.ts';

// DEFAULT_MIN_SYNC_INTERVAL_MS is kube-proxy's default minSyncPeriod.
export const DEFAULT_MIN_SYNC_INTERVAL_MS = 10;
// A sync is followed by a pause of SYNC_BUSY_FACTOR × its duration (at most 1 s, kube-proxy's minSyncPeriod).
export const SYNC_BUSY_FACTOR = 4;

export interface ServiceProxyOptions {
  source: ProxySource;
  backend: L4Backend;
  node: PlanNode;
  events?: EventRecorder;
  logger?: ProxyLogger;
  // minSyncIntervalMs is the least time between two syncs (bursts of changes coalesce); default 10 ms.
  // Each sync plans and diffs the whole state (O(Services)), so without spacing a stream of creates runs one
  // whole-state sync per event: O(N²), the proxy taking the API server's CPU. Syncs are therefore also spaced
  // by their own cost (SYNC_BUSY_FACTOR × the last sync's duration, at most 1 s): a few Services follow a
  // change within milliseconds (the 100 ms acceptance), 10,000 within a few hundred.
  minSyncIntervalMs?: number;
  // maxSyncIntervalMs is the resync period that repairs drift; default 30 s.
  maxSyncIntervalMs?: number;
  // retryMs is the delay before retrying a failed apply; default 1 s.
  retryMs?: number;
}

export class ServiceProxy {
  readonly #opts: ServiceProxyOptions;
  readonly #services = new ServiceChangeTracker();
  readonly #endpoints: EndpointsChangeTracker;
  readonly #runner: BoundedFrequencyRunner;
  readonly #log: ProxyLogger;
  #signal: AbortSignal | undefined;
  #lastPlan: L4Plan | undefined;
  #reported = new Set<string>();

  constructor(opts: ServiceProxyOptions) {
    if (!opts.source || !opts.backend || !opts.node?.name) throw new TypeError('ServiceProxy: source, backend and node.name are required');
    this.#opts = opts;
    this.#log = opts.logger ?? nopLogger;
    this.#endpoints = new EndpointsChangeTracker({ nodeName: opts.node.name });
    this.#runner = new BoundedFrequencyRunner({
      fn: () => this.#sync(),
      minIntervalMs: opts.minSyncIntervalMs ?? DEFAULT_MIN_SYNC_INTERVAL_MS,
      busyFactor: SYNC_BUSY_FACTOR, maxBusyGapMs: 1_000,
      maxIntervalMs: opts.maxSyncIntervalMs ?? 30_000,
      retryMs: opts.retryMs ?? 1_000,
      onError: (err) => this.#log.warn({ event: 'syncFailed', error: String(err) }),
    });
    opts.source.addServiceHandlers({
      onAdd: (s) => this.#onService(undefined, s),
      onUpdate: (p, c) => this.#onService(p, c),
      onDelete: (s) => this.#onService(s, undefined),
    });
    opts.source.addEndpointSliceHandlers({
      onAdd: (s) => this.#onSlice(undefined, s),
      onUpdate: (p, c) => this.#onSlice(p, c),
      onDelete: (s) => this.#onSlice(s, undefined),
    });
  }

  // run waits for the source to sync, then syncs on changes until signal aborts; it cleans the backend up
  // before resolving.
  async run(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    try {
      await this.#opts.source.whenSynced(signal);
      if (!signal.aborted) await this.#runner.loop(signal);
    } finally {
      await this.#opts.backend.cleanup();
    }
  }

  // lastPlan is the plan of the last sync (for status pages and tests).
  lastPlan(): L4Plan | undefined { return this.#lastPlan; }

  #onService(prev: V1Service | undefined, cur: V1Service | undefined): void {
    if (this.#services.update(prev, cur) && this.#opts.source.hasSynced()) this.#runner.run();
  }

  #onSlice(prev: V1EndpointSlice | undefined, cur: V1EndpointSlice | undefined): void {
    if (this.#endpoints.update(prev, cur) && this.#opts.source.hasSynced()) this.#runner.run();
  }

  async #sync(): Promise<void> {
    const signal = this.#signal;
    if (!signal || signal.aborted) return;
    const plan = planL4(this.#services.snapshot(), this.#endpoints.snapshot(), this.#opts.node);
    this.#lastPlan = plan;
    this.#report(plan.problems);
    await this.#opts.backend.apply(plan, signal);
  }

  // #report records each problem once while it lasts; a problem that went away and comes back is reported again.
  #report(problems: readonly PlanProblem[]): void {
    const now = new Set<string>();
    for (const p of problems) {
      const id = JSON.stringify([p.service.namespace, p.service.name, p.reason, p.message]);
      now.add(id);
      if (this.#reported.has(id)) continue;
      this.#opts.events?.recordEvent(p.service, p.type, p.reason, p.message);
    }
    this.#reported = now;
  }
}
