// UserspaceBackend is the L4Backend made of node:net and node:dgram sockets: one listener per plan
// listener, one HTTP server per healthCheckNodePort. apply() diffs the plan against the open listeners, so a
// Service that did not change keeps its sockets, balancers, affinity and connections untouched.
import { isDeepStrictEqual } from 'node:util';
import { Registry } from 'prom-client';
import type { EventRecorder, L4Backend, ProxyLogger } from '../../backend.ts';
import { nopLogger } from '../../backend.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan } from '../../plan/types.ts';
import { HealthCheckServer } from './health-check-server.ts';
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

export class UserspaceBackend implements L4Backend {
  // registry holds the portico_proxy_* metrics; mount it on /metrics (or merge it with Registry.merge).
  readonly registry: Registry;
  readonly #settings: ListenerSettings;
  readonly #events: EventRecorder | undefined;
  readonly #log: ProxyLogger;
  readonly #listeners = new Map<ListenerKey, Listener>();
  readonly #health = new Map<number, HealthCheckServer>();
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

  async apply(plan: L4Plan, signal: AbortSignal): Promise<void> {
    for (const key of this.#failures.keys()) {
      if (!plan.listeners.has(key as ListenerKey) && !plan.healthChecks.has(Number(key.slice(7)))) this.#failures.delete(key);
    }
    for (const [key, l] of this.#listeners) {
      const next = plan.listeners.get(key);
      if (!next || next.portName !== l.plan.portName) this.#close(key, l);
    }
    const opens: Promise<unknown>[] = [];
    for (const lp of plan.listeners.values()) {
      if (signal.aborted) break;
      const l = this.#listeners.get(lp.key);
      if (l) l.update(lp); else opens.push(this.#open(lp));
    }
    opens.push(this.#applyHealthChecks(plan.healthChecks));
    const failed = (await Promise.allSettled(opens)).filter((r) => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((r) => (r as PromiseRejectedResult).reason), `${failed.length} listener(s) failed`);
  }

  async cleanup(): Promise<void> {
    for (const [key, l] of this.#listeners) this.#close(key, l, 0);
    for (const [port, h] of this.#health) { this.#health.delete(port); this.#track(h.close()); }
    await Promise.all([...this.#closing]);
  }

  // isListening reports whether the listener with key is bound and serving.
  isListening(key: ListenerKey): boolean { return this.#listeners.get(key)?.bound ?? false; }

  // listenerCount returns how many listeners are open (tests and metrics).
  listenerCount(): number { return this.#listeners.size + this.#health.size; }

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

  async #applyHealthChecks(plans: ReadonlyMap<number, HealthCheckPlan>): Promise<void> {
    for (const [port, h] of this.#health) {
      const next = plans.get(port);
      if (!next || !isDeepStrictEqual(next.addresses, h.plan.addresses)) { this.#health.delete(port); this.#track(h.close()); }
    }
    const opens: Promise<void>[] = [];
    for (const hp of plans.values()) {
      const h = this.#health.get(hp.port);
      if (h) { h.update(hp); continue; }
      const s = new HealthCheckServer(hp);
      this.#health.set(hp.port, s);
      opens.push(s.listen().catch((err: unknown) => {
        this.#health.delete(hp.port);
        this.#bindFailed(`health/${hp.port}`, hp.service, `healthCheckNodePort ${hp.port}`, err);
        throw err;
      }));
    }
    await Promise.all(opens);
  }

  #bindFailed(key: string, service: ListenerPlan['service'], what: string, err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    this.#log.warn({ event: 'listenFailed', listener: key, code });
    if (this.#failures.get(key) === code) return;
    this.#failures.set(key, code);
    const reason = code === 'EADDRINUSE' ? 'PortInUse' : 'ListenFailed';
    this.#events?.recordEvent(service, 'Warning', reason, `cannot listen on ${what}: ${code}`);
  }
}
