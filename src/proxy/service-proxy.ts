// ServiceProxy is the proxy's control loop, once for every backend: source handlers record changes in the
// trackers, a bounded-frequency runner coalesces them, and each sync plans again only the Services that
// changed (L4Planner keeps the rest) and hands the backend the plan with what changed in it. The first
// sync, the periodic resync and the one after a failed apply are whole-state. Nothing is applied before the
// source has synced.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { EventRecorder, L4Backend, ProxyLogger } from './backend.ts';
import { nopLogger } from './backend.ts';
import type { ServiceKey } from './model/service-port-name.ts';
import { L4Planner } from './plan/l4-planner.ts';
import type { PlanInputs } from './plan/l4-planner.ts';
import type { L4Plan, PlanNode } from './plan/types.ts';
import { BoundedFrequencyRunner } from './runner/bounded-frequency-runner.ts';
import type { ProxySource } from './source.ts';
import { EndpointsChangeTracker } from './tracker/endpoints-change-tracker.ts';
import { ServiceChangeTracker } from './tracker/service-change-tracker.ts';
import { ProblemReporter } from './problem-reporter.ts';

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
  // Syncs are also spaced by their own cost (SYNC_BUSY_FACTOR × the last sync's duration, at most 1 s), so
  // that a whole-state sync (resync, retry) or a large burst never takes more than a fifth of the CPU from
  // the API server sharing the process; a change still shows within milliseconds.
  minSyncIntervalMs?: number;
  // maxSyncIntervalMs is the resync period that repairs drift; default 30 s.
  maxSyncIntervalMs?: number;
  // retryMs is the delay before retrying a failed apply; default 1 s.
  retryMs?: number;
  // noEndpointsGraceMs is how long a Service port must lack endpoints before a NoEndpoints Event; default 5 s.
  noEndpointsGraceMs?: number;
}

export class ServiceProxy {
  readonly #opts: ServiceProxyOptions;
  readonly #services = new ServiceChangeTracker();
  readonly #endpoints: EndpointsChangeTracker;
  readonly #runner: BoundedFrequencyRunner;
  readonly #log: ProxyLogger;
  #signal: AbortSignal | undefined;
  readonly #planner: L4Planner;
  readonly #inputs: PlanInputs;
  #lastPlan: L4Plan | undefined;
  // #whole makes the next apply whole-state: the first one, and the one after an apply failed (its change
  // sets are lost, so only a whole-state apply is sure to catch up).
  #whole = true;
  readonly #problems: ProblemReporter;

  constructor(opts: ServiceProxyOptions) {
    if (!opts.source || !opts.backend || !opts.node?.name) throw new TypeError('ServiceProxy: source, backend and node.name are required');
    this.#opts = opts;
    this.#log = opts.logger ?? nopLogger;
    this.#problems = new ProblemReporter(opts.events, opts.noEndpointsGraceMs ?? 5_000);
    this.#endpoints = new EndpointsChangeTracker({ nodeName: opts.node.name });
    this.#planner = new L4Planner(opts.node);
    this.#inputs = { portsOf: (k) => this.#services.portsOf(k), endpointsOf: (k) => this.#endpoints.endpointsOf(k) };
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
      this.#problems.stop();
      await this.#opts.backend.cleanup();
    }
  }

  // lastPlan is the plan of the last sync (for status pages and tests); it is live: later syncs change it.
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
    const dirty = this.#services.takeDirty();
    for (const k of this.#endpoints.takeDirty()) dirty.add(k);
    const changes = this.#planner.update(dirty, this.#inputs);
    const plan = this.#planner.plan;
    this.#lastPlan = plan;
    this.#report(changes.services);
    // A sync with nothing dirty is the periodic resync or a retry: it compares everything, to repair drift.
    const whole = this.#whole || dirty.size === 0;
    this.#whole = true;
    if (whole) await this.#opts.backend.apply(plan, signal);
    else await this.#opts.backend.apply(plan, signal, changes.listeners, changes.healthChecks);
    this.#whole = false;
  }

  // #report hands the problems of the Services planned again (only they can have new ones) to the reporter.
  #report(services: ReadonlySet<ServiceKey>): void {
    for (const key of services) this.#problems.report(key, this.#planner.problemsOf(key));
  }

}
