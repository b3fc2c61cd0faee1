// TcpListener serves one TCP listener of the plan (one address:port of one Service port). update() swaps
// its endpoints in place; connections to endpoints that left drain, then reset.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { ListenerPlan } from '../../plan/types.ts';
import { Balancer } from './balancer.ts';
import type { ListenerSettings } from './options.ts';
import { TcpConnection } from './tcp-connection.ts';
import type { ConnectionOwner } from './tcp-connection.ts';

export class TcpListener implements ConnectionOwner {
  plan: ListenerPlan;
  readonly balancer = new Balancer();
  readonly settings: ListenerSettings;
  readonly #server: Server;
  readonly #conns = new Map<string, Set<TcpConnection>>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(plan: ListenerPlan, settings: ListenerSettings) {
    this.plan = plan;
    this.settings = settings;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    this.#server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: false }, (s) => this.#accept(s));
    this.#sweeper = setInterval(() => this.balancer.sweep(), 10_000);
    this.#sweeper.unref();
  }

  get bound(): boolean { return this.#server.listening; }

  // listen binds the listener; it rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL, ...).
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.plan.ip, port: this.plan.port, backlog: 4096 }, () => {
        this.#server.off('error', reject);
        this.#server.on('error', () => {});
        resolve();
      });
    });
  }

  // update applies a new plan for the same address; connections to endpoints no longer listed drain.
  update(plan: ListenerPlan): void {
    if (isDeepStrictEqual(plan, this.plan)) return;
    this.plan = plan;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    for (const [key, set] of this.#conns) {
      if (this.balancer.has(key)) continue;
      for (const c of set) c.drain(this.settings.drainMs);
    }
  }

  // close stops accepting; open connections drain for drainMs, or are reset at once when drainMs is 0.
  close(drainMs = this.settings.drainMs): Promise<void> {
    clearInterval(this.#sweeper);
    for (const set of this.#conns.values()) for (const c of set) drainMs > 0 ? c.drain(drainMs) : c.reset();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  // connections returns how many proxied connections are open.
  connections(): number {
    let n = 0;
    for (const s of this.#conns.values()) n += s.size;
    return n;
  }

  established(conn: TcpConnection): void {
    let set = this.#conns.get(conn.endpointKey);
    if (!set) this.#conns.set(conn.endpointKey, set = new Set());
    set.add(conn);
  }

  closed(conn: TcpConnection): void {
    const set = this.#conns.get(conn.endpointKey);
    set?.delete(conn);
    if (set?.size === 0) this.#conns.delete(conn.endpointKey);
  }

  #accept(s: Socket): void {
    if (this.balancer.size === 0) {
      s.on('error', () => {});
      this.settings.metrics.rejected(this.plan);
      s.resetAndDestroy();
      return;
    }
    new TcpConnection(s, this).start();
  }
}
