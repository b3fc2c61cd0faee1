// UdpListener serves one UDP listener of the plan. Each client (address:port) gets a flow: a socket
// connected to one endpoint, so replies come back through the listener socket, i.e. from the service
// address. Flows expire after udpIdleTimeoutMs without traffic (like conntrack). When an endpoint leaves,
// or refuses (ICMP port unreachable), its flows are dropped at once: the client's next datagram is
// balanced again onto a live endpoint.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { endpointKey } from '../../model/endpoint.ts';
import type { EndpointInfo } from '../../model/endpoint.ts';
import type { ListenerPlan } from '../../plan/types.ts';
import { Balancer } from './balancer.ts';
import type { EndpointStats } from './metrics.ts';
import type { ListenerSettings } from './options.ts';

// MAX_PENDING bounds the datagrams queued on a flow while its socket connects.
const MAX_PENDING = 64;

interface Flow {
  readonly key: string;
  readonly clientIP: string;
  readonly clientPort: number;
  readonly endpoint: string;
  readonly socket: Socket;
  readonly stats: EndpointStats;
  pending: Buffer[] | undefined;
  last: number;
  closed: boolean;
}

export class UdpListener {
  plan: ListenerPlan;
  readonly balancer = new Balancer();
  readonly #settings: ListenerSettings;
  readonly #socket: Socket;
  readonly #flows = new Map<string, Flow>();
  readonly #sweeper: NodeJS.Timeout;
  #bound = false;

  constructor(plan: ListenerPlan, settings: ListenerSettings) {
    this.plan = plan;
    this.#settings = settings;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    this.#socket = createSocket({ type: isIPv6(plan.ip) ? 'udp6' : 'udp4' });
    this.#socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo));
    const every = Math.max(50, Math.min(settings.udpIdleTimeoutMs / 2, 5_000));
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref();
  }

  get bound(): boolean { return this.#bound; }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind({ address: this.plan.ip, port: this.plan.port, exclusive: true }, () => {
        this.#socket.off('error', reject);
        this.#socket.on('error', () => {});
        this.#bound = true;
        resolve();
      });
    });
  }

  // update applies a new plan for the same address; flows to endpoints no longer listed are dropped.
  // An unchanged Service keeps its plan object across syncs, so identity settles almost every call.
  update(plan: ListenerPlan): void {
    if (plan === this.plan) return;
    if (isDeepStrictEqual(plan, this.plan)) { this.plan = plan; return; }
    this.plan = plan;
    this.balancer.update(plan.endpoints, plan.affinityTimeoutSeconds);
    for (const f of this.#flows.values()) if (!this.balancer.has(f.endpoint)) this.#drop(f);
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#bound = false;
    for (const f of this.#flows.values()) this.#drop(f);
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  // flows returns how many client flows are open.
  flows(): number { return this.#flows.size; }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}|${rinfo.port}`;
    const f = this.#flows.get(key) ?? this.#open(key, rinfo);
    if (!f) { this.#settings.metrics.rejected(this.plan); return; }
    const now = Date.now();
    f.last = now;
    this.balancer.touch(f.clientIP, now);
    f.stats.bytesToEndpoint.inc(msg.length);
    if (f.pending) { if (f.pending.length < MAX_PENDING) f.pending.push(msg); return; }
    f.socket.send(msg);
  }

  #open(key: string, rinfo: RemoteInfo): Flow | undefined {
    const ep = this.balancer.pick(rinfo.address);
    if (!ep) return undefined;
    const stats = this.#settings.metrics.endpoint(this.plan, endpointKey(ep));
    stats.selections.inc();
    const socket = createSocket({ type: isIPv6(ep.ip) ? 'udp6' : 'udp4' });
    const f: Flow = {
      key, clientIP: rinfo.address, clientPort: rinfo.port, endpoint: endpointKey(ep), socket, stats,
      pending: [], last: Date.now(), closed: false,
    };
    socket.on('error', () => this.#refused(f));
    socket.on('message', (reply) => this.#reply(f, reply));
    socket.connect(ep.port, ep.ip, () => this.#connected(f, ep));
    this.#flows.set(key, f);
    stats.connections.inc();
    stats.active.inc();
    return f;
  }

  #connected(f: Flow, _ep: EndpointInfo): void {
    const queued = f.pending ?? [];
    f.pending = undefined;
    if (f.closed) return;
    for (const m of queued) f.socket.send(m);
  }

  #reply(f: Flow, reply: Buffer): void {
    f.last = Date.now();
    f.stats.bytesFromEndpoint.inc(reply.length);
    this.#socket.send(reply, f.clientPort, f.clientIP);
  }

  // #refused drops a flow whose endpoint refused; the client's pin is released so it moves on.
  #refused(f: Flow): void {
    if (f.closed) return;
    f.stats.connectErrors.inc();
    this.balancer.forget(f.clientIP);
    this.#drop(f);
  }

  #drop(f: Flow): void {
    if (f.closed) return;
    f.closed = true;
    this.#flows.delete(f.key);
    f.stats.active.dec();
    try { f.socket.close(); } catch { /* already closed */ }
  }

  #sweep(): void {
    const now = Date.now();
    for (const f of this.#flows.values()) if (now - f.last >= this.#settings.udpIdleTimeoutMs) this.#drop(f);
    this.balancer.sweep(now);
  }
}
