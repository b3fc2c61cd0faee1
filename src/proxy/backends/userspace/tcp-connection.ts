// TcpConnection is one proxied TCP connection: it connects to an endpoint (trying the next one when a
// connect fails), optionally sends a PROXY header, then pipes both ways with backpressure and half-close.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { endpointKey } from '../../model/endpoint.ts';
import type { EndpointInfo } from '../../model/endpoint.ts';
import type { ListenerPlan } from '../../plan/types.ts';
import type { Balancer } from './balancer.ts';
import type { EndpointStats } from './metrics.ts';
import type { ListenerSettings } from './options.ts';
import { proxyProtocolHeader } from './proxy-protocol.ts';

// ConnectionOwner is what a connection needs from its listener.
export interface ConnectionOwner {
  readonly plan: ListenerPlan;
  readonly balancer: Balancer;
  readonly settings: ListenerSettings;
  established(conn: TcpConnection): void;
  closed(conn: TcpConnection): void;
}

export class TcpConnection {
  readonly client: Socket;
  readonly #owner: ConnectionOwner;
  readonly #clientIP: string;
  #upstream: Socket | undefined;
  #endpoint: EndpointInfo | undefined;
  #stats: EndpointStats | undefined;
  #tried: Set<string> | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(client: Socket, owner: ConnectionOwner) {
    this.client = client;
    this.#owner = owner;
    this.#clientIP = client.remoteAddress ?? '';
    client.on('error', () => this.reset());
    client.on('close', () => this.#finish());
  }

  // endpointKey is the key of the endpoint this connection goes to ('' while connecting).
  get endpointKey(): string { return this.#endpoint ? endpointKey(this.#endpoint) : ''; }

  // start picks an endpoint and connects; with none left, the client is reset.
  start(): void {
    if (this.#done) return;
    const ep = this.#owner.balancer.pick(this.#clientIP, this.#tried);
    if (!ep) { this.#owner.settings.metrics.rejected(this.#owner.plan); this.reset(); return; }
    const stats = this.#owner.settings.metrics.endpoint(this.#owner.plan, endpointKey(ep));
    stats.selections.inc();
    const up = connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true });
    const timeout = this.#owner.settings.connectTimeoutMs;
    if (timeout > 0) up.setTimeout(timeout, () => up.destroy(new Error('connect timeout')));
    up.once('error', () => this.#connectFailed(ep, stats));
    up.once('connect', () => this.#connected(up, ep, stats));
    this.#upstream = up;
  }

  // drain resets the connection after ms unless it ends first.
  drain(ms: number): void {
    if (this.#done || this.#drainTimer) return;
    this.#drainTimer = setTimeout(() => this.reset(), ms);
  }

  // reset aborts both sides with a TCP RST.
  reset(): void {
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (this.#upstream && !this.#upstream.destroyed) this.#upstream.resetAndDestroy();
  }

  #connectFailed(ep: EndpointInfo, stats: EndpointStats): void {
    stats.connectErrors.inc();
    this.#upstream = undefined;
    (this.#tried ??= new Set()).add(endpointKey(ep));
    this.start();
  }

  #connected(up: Socket, ep: EndpointInfo, stats: EndpointStats): void {
    if (this.#done) { up.destroy(); return; }
    up.removeAllListeners('error');
    up.setTimeout(0);
    this.#endpoint = ep;
    this.#stats = stats;
    stats.connections.inc();
    stats.active.inc();
    this.#owner.established(this);
    const pp = this.#owner.plan.proxyProtocol;
    if (pp) {
      up.write(proxyProtocolHeader(pp, {
        sourceIP: this.#clientIP, sourcePort: this.client.remotePort ?? 0,
        destIP: this.client.localAddress ?? '', destPort: this.client.localPort ?? 0,
      }));
    }
    up.on('error', () => this.reset());
    up.on('close', () => this.#finish());
    const idle = this.#owner.settings.idleTimeoutMs;
    if (idle > 0) this.client.setTimeout(idle, () => this.reset());
    this.client.pipe(up);
    up.pipe(this.client);
  }

  // #finish runs when either socket closes: the other side gets a graceful end (or was already reset).
  #finish(): void {
    const up = this.#upstream;
    if (!this.client.destroyed) this.client.end();
    if (up && !up.destroyed && up.connecting) up.destroy();
    else if (up && !up.destroyed) up.end();
    if (this.#done || !this.client.destroyed || (up && !up.destroyed)) return;
    this.#done = true;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    if (this.#stats) {
      this.#stats.active.dec();
      this.#stats.bytesToEndpoint.inc(this.client.bytesRead);
      this.#stats.bytesFromEndpoint.inc(this.client.bytesWritten);
      this.#owner.closed(this);
    }
  }
}
