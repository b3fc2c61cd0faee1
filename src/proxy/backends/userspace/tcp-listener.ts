// TcpListener serves one TCP listener of the plan (one address:port of one Service port). update() swaps
// its endpoints in place; connections to endpoints that left drain, then reset.
//
// Without endpoints, the plan says what Kubernetes does: 'reject' (kube-proxy's REJECT: the client sees a
// refusal) resets at once; 'drop' (Local traffic policy and no local endpoint: kube-proxy DROPs the SYN, the
// client sees a timeout) accepts and holds the connection, reading nothing and answering nothing. A user-
// space listener cannot leave a SYN unanswered — the kernel completes the handshake before accept(), and
// Node has no "stop accepting" — so the client's connect() succeeds, but its request times out as with a
// drop. Like a retransmitted SYN that gets through, a held connection is proxied if a local endpoint appears
// within holdMs; after that it is reset. At most MAX_HELD are held per listener; beyond, new ones reset.
import { createServer, Socket } from 'node:net';
import type { Server, SocketConstructorOpts } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { ListenerPlan } from '../../plan/types.ts';
import { Balancer } from './balancer.ts';
import type { EndpointStats } from './metrics.ts';
import type { ListenerSettings } from './options.ts';
import type { ConnectionOwner, ProxiedConnection } from './connection.ts';
import { RawConnection } from './raw-connection.ts';
import { StreamConnection } from './stream-connection.ts';
import { rawTcpAvailable } from '../../../lib/raw-tcp.ts';
import type { TcpHandle } from '../../../lib/raw-tcp.ts';
import { rawWriteAvailable } from '../../../lib/raw-write.ts';

// Where Node's bindings allow, accepted connections never become net.Sockets: the listener takes the
// server handle's accepted TCP handles and each is a RawConnection (bare handles both sides). Else, and for
// connections held or rejected without endpoints, they are net.Sockets and StreamConnections.
export const rawConnectionsAvailable = rawTcpAvailable && rawWriteAvailable;
let rawConnections = rawConnectionsAvailable;

// useStreamConnections makes listeners opened from now on use StreamConnections (true), or the default
// again (tests).
export function useStreamConnections(on: boolean): void { rawConnections = !on && rawConnectionsAvailable; }

const MAX_HELD = 1024;

type ServerHandle = { onconnection: (err: number, h: TcpHandle | undefined) => void };

// socketOf wraps an accepted handle into a net.Socket as net.Server would (not reading yet).
function socketOf(h: TcpHandle): Socket {
  const s = new Socket({ handle: h, allowHalfOpen: true, pauseOnCreate: true, readable: true, writable: true } as unknown as SocketConstructorOpts);
  s.setNoDelay(true);
  return s;
}

export class TcpListener implements ConnectionOwner {
  plan: ListenerPlan;
  readonly balancer = new Balancer();
  readonly settings: ListenerSettings;
  readonly #server: Server;
  readonly #conns = new Map<string, Set<ProxiedConnection>>();
  readonly #held = new Set<Socket>();
  // #live counts the connections started and not finished (connecting ones included); #closeDrainMs is
  // set by close(), and #whenIdle resolves close() once the server and every connection are done.
  #live = 0;
  #closeDrainMs: number | undefined;
  #whenIdle: (() => void) | undefined;
  #stats = new Map<string, EndpointStats>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(plan: ListenerPlan, settings: ListenerSettings) {
    this.plan = plan;
    this.settings = settings;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    // pauseOnConnect: nothing is read before the connection to an endpoint is up (the pump then reads
    // into buffers of its own)
    this.#server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (s) => this.#accept(s));
    const idle = settings.idleTimeoutMs;
    this.#sweeper = setInterval(() => this.#sweep(), idle > 0 ? Math.max(50, Math.min(idle / 4, 10_000)) : 10_000);
    this.#sweeper.unref();
  }

  get bound(): boolean { return this.#server.listening; }

  // listen binds the listener; it rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL, ...).
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.plan.ip, port: this.plan.port, backlog: 4096, reusePort: this.settings.reusePort }, () => {
        this.#server.off('error', reject);
        this.#server.on('error', () => {});
        const h = (this.#server as unknown as { _handle?: ServerHandle })._handle;
        if (rawConnections && h) h.onconnection = (err, client) => { if (err === 0 && client) this.#acceptHandle(client); };
        resolve();
      });
    });
  }

  // update applies a new plan for the same address; connections to endpoints no longer listed drain.
  // An unchanged Service keeps its plan object across syncs, so identity settles almost every call.
  update(plan: ListenerPlan): void {
    if (plan === this.plan) return;
    if (isDeepStrictEqual(plan, this.plan)) { this.plan = plan; return; }
    this.plan = plan;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    this.#stats = new Map();
    for (const [key, set] of this.#conns) {
      if (this.balancer.has(key)) continue;
      for (const c of set) c.drain(this.settings.drainMs);
    }
    if (this.#held.size > 0 && (this.balancer.size > 0 || plan.whenEmpty === 'reject')) this.#release();
  }

  // close stops accepting; open connections drain for drainMs, or are reset at once when drainMs is 0.
  // A connection still connecting gets the same once it is established. It resolves when the listening
  // socket is closed and every connection has finished.
  close(drainMs = this.settings.drainMs): Promise<void> {
    clearInterval(this.#sweeper);
    this.#closeDrainMs = drainMs;
    for (const s of this.#held) s.resetAndDestroy();
    for (const set of this.#conns.values()) for (const c of set) drainMs > 0 ? c.drain(drainMs) : c.reset();
    const server = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const conns = this.#live === 0 ? undefined : new Promise<void>((resolve) => { this.#whenIdle = resolve; });
    return conns ? Promise.all([server, conns]).then(() => {}) : server;
  }

  // connections returns how many proxied connections are open.
  connections(): number {
    let n = 0;
    for (const s of this.#conns.values()) n += s.size;
    return n;
  }

  // held returns how many connections are held unanswered (drop listener without endpoints).
  held(): number { return this.#held.size; }

  // stats returns the metrics cell of one endpoint, cached until the next plan update.
  stats(endpointKey: string): EndpointStats {
    let s = this.#stats.get(endpointKey);
    if (!s) this.#stats.set(endpointKey, s = this.settings.metrics.endpoint(this.plan, endpointKey));
    return s;
  }

  // established: a connection reached its endpoint. One that connected after close() or after its
  // endpoint left drains like the others.
  established(conn: ProxiedConnection): void {
    const ms = this.#closeDrainMs;
    if (ms !== undefined) { if (ms > 0) conn.drain(ms); else conn.reset(); }
    else if (!this.balancer.has(conn.endpointKey)) conn.drain(this.settings.drainMs);
    let set = this.#conns.get(conn.endpointKey);
    if (!set) this.#conns.set(conn.endpointKey, set = new Set());
    set.add(conn);
  }

  // finished: a connection started by this listener is over (established or not).
  finished(): void {
    if (--this.#live === 0 && this.#whenIdle) { this.#whenIdle(); this.#whenIdle = undefined; }
  }

  closed(conn: ProxiedConnection): void {
    const set = this.#conns.get(conn.endpointKey);
    set?.delete(conn);
    if (set?.size === 0) this.#conns.delete(conn.endpointKey);
  }

  #acceptHandle(h: TcpHandle): void {
    if (this.balancer.size > 0) { h.setNoDelay(true); this.#live++; new RawConnection(h, this).start(); return; }
    this.#accept(socketOf(h));
  }

  #accept(s: Socket): void {
    if (this.balancer.size > 0) { this.#live++; new StreamConnection(s, this).start(); return; }
    s.on('error', () => {});
    this.settings.metrics.rejected(this.plan);
    if (this.plan.whenEmpty === 'drop' && this.#held.size < MAX_HELD) this.#hold(s);
    else s.resetAndDestroy();
  }

  #hold(s: Socket): void {
    s.pause();
    this.#held.add(s);
    s.on('close', () => this.#held.delete(s));
    s.setTimeout(this.settings.holdMs, () => s.resetAndDestroy());
  }

  // #release hands held connections to endpoints that appeared (or resets them when the plan now rejects).
  #release(): void {
    for (const s of this.#held) {
      this.#held.delete(s);
      s.setTimeout(0);
      s.removeAllListeners('close');
      s.removeAllListeners('timeout');
      s.removeAllListeners('error');
      if (s.destroyed) continue;
      if (this.balancer.size === 0) { s.on('error', () => {}); s.resetAndDestroy(); continue; }
      this.#live++;
      new StreamConnection(s, this).start();
    }
  }

  #sweep(): void {
    this.balancer.sweep();
    const idle = this.settings.idleTimeoutMs;
    if (idle <= 0) return;
    const now = Date.now();
    for (const set of this.#conns.values()) for (const c of set) c.idle(now, idle);
  }
}
