// UserspaceBackend is the L4Backend made of node:net and node:dgram sockets: one listener per plan
// listener, one HTTP server per healthCheckNodePort. apply() diffs the plan against the open listeners, so a
// Service that did not change keeps its sockets, balancers, affinity and connections untouched.
import { Registry } from 'prom-client';
import type { EventRecorder, L4Backend, ProxyLogger } from '../../backend.ts';
import { nopLogger } from '../../backend.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan } from '../../plan/types.ts';
import { HealthCheckServers } from './health-check-server.ts';
import { ProxyMetrics } from './metrics.ts';
import type { ListenerSettings } from './options.ts';
import { TcpListener } from './tcp-listener.ts';
import { UdpListener } from './udp-listener.ts';

export interface UserspaceBackendOptions {
  events?: EventRecorder;
  logger?: ProxyLogger;
  // registry receives the proxy's metrics; without it the backend makes its own (see `registry`).
  registry?: Registry;
  idleTimeoutMs?: number;
  udpIdleTimeoutMs?: number;
  drainMs?: number;
  connectTimeoutMs?: number;
  // holdMs: how long a connection to a Local-policy listener without local endpoints is held (default 120 s,
  // about as long as Linux retries a dropped SYN).
  holdMs?: number;
  // reusePort binds TCP listeners with SO_REUSEPORT so several worker processes can serve them (Linux).
  reusePort?: boolean;
}

type Listener = TcpListener | UdpListener;

// HEALTH_PREFIX marks health check ports among #failures' keys (the others are listener keys).
const HEALTH_PREFIX = 'health/';

export class UserspaceBackend implements L4Backend {
  // registry holds the portico_proxy_* metrics; mount it on /metrics (or merge it with Registry.merge).
  readonly registry: Registry;
  readonly #settings: ListenerSettings;
  readonly #events: EventRecorder | undefined;
  readonly #log: ProxyLogger;
  readonly #listeners = new Map<ListenerKey, Listener>();
  readonly #health = new HealthCheckServers();
  readonly #closing = new Set<Promise<void>>();
  // #failures remembers the last bind error per address so each is reported once until it heals.
  readonly #failures = new Map<string, string>();

  constructor(opts: UserspaceBackendOptions = {}) {
    const ms = (v: number | undefined, def: number, name: string): number => {
      const x = v ?? def;
      if (!(x >= 0) || !Number.isFinite(x)) throw new TypeError(`UserspaceBackend: ${name} must be a finite number >= 0`);
      return x;
    };
    this.registry = opts.registry ?? new Registry();
    this.#settings = {
      metrics: new ProxyMetrics([this.registry]),
      idleTimeoutMs: ms(opts.idleTimeoutMs, 3_600_000, 'idleTimeoutMs'),
      udpIdleTimeoutMs: ms(opts.udpIdleTimeoutMs, 30_000, 'udpIdleTimeoutMs'),
      drainMs: ms(opts.drainMs, 10_000, 'drainMs'),
      connectTimeoutMs: ms(opts.connectTimeoutMs, 3_000, 'connectTimeoutMs'),
      holdMs: ms(opts.holdMs, 120_000, 'holdMs'),
      reusePort: opts.reusePort ?? false,
    };
    this.#events = opts.events;
    this.#log = opts.logger ?? nopLogger;
  }

  // apply diffs plan against the open listeners: all of them, or, given the change sets, only the changed
  // keys plus the ones that failed to bind before (retried on every change, as a whole-state apply would).
  async apply(plan: L4Plan, signal: AbortSignal, changed?: ReadonlySet<ListenerKey>, changedHealth?: ReadonlySet<number>): Promise<void> {
    const opens: Promise<unknown>[] = [];
    if (changed) this.#applyChanged(plan, signal, changed, opens);
    else this.#applyAll(plan, signal, opens);
    // Health check servers count as one failure, as before the change sets.
    const health: Promise<unknown>[] = [];
    if (changed && changedHealth) this.#applyHealthChanged(plan.healthChecks, changedHealth, health);
    else this.#applyHealthAll(plan.healthChecks, health);
    opens.push(Promise.all(health));
    const failed = (await Promise.allSettled(opens)).filter((r) => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((r) => (r as PromiseRejectedResult).reason), `${failed.length} listener(s) failed`);
  }

  async cleanup(): Promise<void> {
    for (const [key, l] of this.#listeners) this.#close(key, l, 0);
    for (const p of this.#health.closeAll()) this.#track(p);
    await Promise.all([...this.#closing]);
  }

  // isListening reports whether the listener with key is bound and serving.
  isListening(key: ListenerKey): boolean { return this.#listeners.get(key)?.bound ?? false; }

  // listenerCount returns how many listeners are open (tests and metrics).
  listenerCount(): number { return this.#listeners.size + this.#health.size; }

  #applyAll(plan: L4Plan, signal: AbortSignal, opens: Promise<unknown>[]): void {
    for (const key of this.#failures.keys()) {
      if (!plan.listeners.has(key as ListenerKey) && !plan.healthChecks.has(Number(key.slice(HEALTH_PREFIX.length)))) this.#failures.delete(key);
    }
    for (const [key, l] of this.#listeners) {
      const next = plan.listeners.get(key);
      if (!next || next.portName !== l.plan.portName) this.#close(key, l);
    }
    for (const lp of plan.listeners.values()) {
      if (signal.aborted) break;
      this.#openOrUpdate(lp, opens);
    }
  }

  #applyChanged(plan: L4Plan, signal: AbortSignal, changed: ReadonlySet<ListenerKey>, opens: Promise<unknown>[]): void {
    for (const key of changed) this.#applyKey(key, plan, signal, opens);
    for (const key of [...this.#failures.keys()]) {
      if (!key.startsWith(HEALTH_PREFIX) && !changed.has(key as ListenerKey)) this.#applyKey(key as ListenerKey, plan, signal, opens);
    }
  }

  // #applyKey makes the listener of key match the plan: closed when gone or taken by another Service port,
  // opened when missing, else updated.
  #applyKey(key: ListenerKey, plan: L4Plan, signal: AbortSignal, opens: Promise<unknown>[]): void {
    const next = plan.listeners.get(key);
    if (!next) this.#failures.delete(key);
    const l = this.#listeners.get(key);
    if (l && (!next || next.portName !== l.plan.portName)) this.#close(key, l);
    if (next && !signal.aborted) this.#openOrUpdate(next, opens);
  }

  #openOrUpdate(lp: ListenerPlan, opens: Promise<unknown>[]): void {
    const l = this.#listeners.get(lp.key);
    if (l) l.update(lp); else opens.push(this.#open(lp));
  }

  #close(key: ListenerKey, l: Listener, drainMs?: number): void {
    this.#listeners.delete(key);
    this.#track(l instanceof TcpListener ? l.close(drainMs) : l.close());
    this.#log.info({ event: 'listenerClosed', listener: key, service: l.plan.portName });
  }

  #track(p: Promise<void>): void {
    this.#closing.add(p);
    void p.finally(() => this.#closing.delete(p));
  }

  async #open(lp: ListenerPlan): Promise<void> {
    const l = lp.protocol === 'UDP' ? new UdpListener(lp, this.#settings) : new TcpListener(lp, this.#settings);
    this.#listeners.set(lp.key, l);
    try {
      await l.listen();
      this.#failures.delete(lp.key);
      this.#log.info({ event: 'listenerOpened', listener: lp.key, service: lp.portName });
    } catch (err) {
      if (this.#listeners.get(lp.key) === l) this.#listeners.delete(lp.key);
      void (l instanceof TcpListener ? l.close(0) : l.close());
      this.#bindFailed(lp.key, lp.service, `${lp.protocol} ${lp.ip}:${lp.port} (${lp.role})`, err);
      throw err;
    }
  }

  #applyHealthAll(plans: ReadonlyMap<number, HealthCheckPlan>, opens: Promise<unknown>[]): void {
    for (const p of this.#health.closeStale(plans)) this.#track(p);
    opens.push(...this.#health.openOrUpdate(plans, this.#healthFailed));
  }

  #applyHealthChanged(plans: ReadonlyMap<number, HealthCheckPlan>, changed: ReadonlySet<number>, opens: Promise<unknown>[]): void {
    const ports = new Set(changed);
    for (const key of this.#failures.keys()) if (key.startsWith(HEALTH_PREFIX)) ports.add(Number(key.slice(HEALTH_PREFIX.length)));
    for (const port of ports) if (!plans.has(port)) this.#failures.delete(`${HEALTH_PREFIX}${port}`);
    for (const p of this.#health.closeStale(plans, ports)) this.#track(p);
    opens.push(...this.#health.openOrUpdate(plans, this.#healthFailed, ports));
  }

  readonly #healthFailed = (hp: HealthCheckPlan, err: unknown): void => {
    this.#bindFailed(`${HEALTH_PREFIX}${hp.port}`, hp.service, `healthCheckNodePort ${hp.port}`, err);
  };

  #bindFailed(key: string, service: ListenerPlan['service'], what: string, err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    this.#log.warn({ event: 'listenFailed', listener: key, code });
    if (this.#failures.get(key) === code) return;
    this.#failures.set(key, code);
    const reason = code === 'EADDRINUSE' ? 'PortInUse' : 'ListenFailed';
    this.#events?.recordEvent(service, 'Warning', reason, `cannot listen on ${what}: ${code}`);
  }
}
