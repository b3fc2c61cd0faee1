// StreamConnection is one proxied TCP connection over net.Socket on both sides, for a Node whose bindings
// RawConnection cannot use: it connects to an endpoint (trying the next one when a connect fails),
// optionally sends a PROXY header, then pumps 'data' both ways with backpressure and half-close.
//
// The socket handlers are module-level functions that find their connection through a symbol on the
// socket (`this` is the emitting socket), so a connection allocates no closures; bytes are counted by the
// sockets themselves and read at close; the idle timeout is a sweep by the listener, not a per-socket
// timer re-armed on every chunk; the client address (a getpeername call) is read only when affinity or
// the PROXY protocol needs it.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { EndpointInfo } from '../../model/endpoint.ts';
import type { ConnectionOwner, ProxiedConnection } from './connection.ts';
import type { EndpointStats } from './metrics.ts';
import { proxyProtocolHeader } from './proxy-protocol.ts';

const CONN = Symbol('portico.conn');
const PEER = Symbol('portico.peer');
interface Tagged { [CONN]: StreamConnection; [PEER]: Socket }
const tag = (s: Socket): Socket & Tagged => s as Socket & Tagged;

// resetSocket sends an RST, or closes plainly once end() was called: while that shutdown is in flight
// libuv refuses the reset (EINVAL) and Node marks the handle closing anyway, so it is never closed and the
// process spins at exit (Node 24; seen with end() then resetAndDestroy() in the same turn).
function resetSocket(s: Socket): void {
  if (s.writableEnded) s.destroy(); else s.resetAndDestroy();
}

// The pump: data goes to the peer; a full peer pauses this side until it drains; an end is passed on.
function onData(this: Socket, chunk: Buffer): void { if (!tag(this)[PEER].write(chunk)) this.pause(); }
function onDrain(this: Socket): void { tag(this)[PEER].resume(); }
function onEnd(this: Socket): void { tag(this)[PEER].end(); }
function onClose(this: Socket): void { tag(this)[CONN].finish(); }
function onClientError(this: Socket): void { tag(this)[CONN].reset(); }
function onUpError(this: Socket): void { tag(this)[CONN].upstreamError(this); }
function onUpConnect(this: Socket): void { tag(this)[CONN].connected(this); }
function onUpTimeout(this: Socket): void { this.destroy(new Error('connect timeout')); }

export class StreamConnection implements ProxiedConnection {
  readonly client: Socket;
  readonly #owner: ConnectionOwner;
  #clientIP: string | undefined;
  #upstream: Socket | undefined;
  #endpoint: EndpointInfo | undefined;
  #key = '';
  #stats: EndpointStats | undefined;
  #tried: Set<string> | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #established = false;
  #done = false;
  // #seen and #seenAt are the traffic counter and time of the last idle sweep that saw it move.
  #seen = 0;
  #seenAt = 0;

  constructor(client: Socket, owner: ConnectionOwner) {
    this.client = client;
    this.#owner = owner;
    const c = tag(client);
    c[CONN] = this;
    client.on('error', onClientError);
    client.on('close', onClose);
  }

  // endpointKey is the key of the endpoint this connection goes to ('' while connecting).
  get endpointKey(): string { return this.#key; }

  // start picks an endpoint and connects; with none left, the client is reset.
  start(): void {
    if (this.#done) return;
    const owner = this.#owner;
    const ip = owner.balancer.affinityMs > 0 ? this.#clientAddress() : '';
    const ep = owner.balancer.pick(ip, this.#tried);
    if (!ep) { owner.settings.metrics.rejected(owner.plan); this.reset(); return; }
    this.#endpoint = ep;
    this.#key = owner.balancer.key(ep);
    this.#stats = owner.stats(this.#key);
    this.#stats.selections.v++;
    const up = tag(connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true }));
    up[CONN] = this;
    const timeout = owner.settings.connectTimeoutMs;
    if (timeout > 0) { up.setTimeout(timeout); up.on('timeout', onUpTimeout); }
    up.on('error', onUpError);
    up.on('connect', onUpConnect);
    this.#upstream = up;
  }

  // drain resets the connection after ms unless it ends first.
  drain(ms: number): void {
    if (this.#done || this.#drainTimer) return;
    this.#drainTimer = setTimeout(() => this.reset(), ms);
  }

  // reset aborts both sides with a TCP RST.
  reset(): void {
    if (!this.client.destroyed) resetSocket(this.client);
    if (this.#upstream && !this.#upstream.destroyed) resetSocket(this.#upstream);
  }

  // idle resets the connection when no byte moved either way since a sweep at least ms ago.
  idle(now: number, ms: number): void {
    const c = this.client;
    const n = c.bytesRead + c.bytesWritten;
    if (n !== this.#seen || this.#seenAt === 0) { this.#seen = n; this.#seenAt = now; return; }
    if (now - this.#seenAt >= ms) this.reset();
  }

  // upstreamError: before the connection is established, try the next endpoint; after, reset both sides.
  upstreamError(up: Socket): void {
    if (up !== this.#upstream) return;
    if (this.#established) { this.reset(); return; }
    if (this.#stats) this.#stats.connectErrors.v++;
    (this.#tried ??= new Set()).add(this.#key);
    this.#upstream = undefined;
    this.#endpoint = undefined;
    this.#key = '';
    this.start();
  }

  connected(up: Socket & Partial<Tagged>): void {
    if (this.#done || up !== this.#upstream) { up.destroy(); return; }
    const client = tag(this.client);
    if (this.#owner.settings.connectTimeoutMs > 0) { up.setTimeout(0); up.off('timeout', onUpTimeout); }
    this.#established = true;
    const stats = this.#stats as EndpointStats;
    stats.connections.v++;
    stats.active.v++;
    this.#owner.established(this);
    const pp = this.#owner.plan.proxyProtocol;
    if (pp) {
      up.write(proxyProtocolHeader(pp, {
        sourceIP: this.#clientAddress(), sourcePort: client.remotePort ?? 0,
        destIP: client.localAddress ?? '', destPort: client.localPort ?? 0,
      }));
    }
    client[PEER] = up;
    up[PEER] = client;
    up.on('close', onClose);
    up.on('data', onData);
    up.on('drain', onDrain);
    up.on('end', onEnd);
    client.on('data', onData);
    client.on('drain', onDrain);
    client.on('end', onEnd);
    client.resume();
  }

  // finish runs when either socket closes: the other side gets a graceful end (or was already reset).
  finish(): void {
    const up = this.#upstream;
    if (!this.client.destroyed) this.client.end();
    if (up && !up.destroyed && up.connecting) up.destroy();
    else if (up && !up.destroyed) up.end();
    if (this.#done || !this.client.destroyed || (up && !up.destroyed)) return;
    this.#done = true;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    if (this.#established && this.#stats) {
      this.#stats.active.v--;
      this.#stats.bytesToEndpoint.v += this.client.bytesRead;
      this.#stats.bytesFromEndpoint.v += this.client.bytesWritten;
      this.#owner.closed(this);
    }
    this.#owner.finished();
  }

  #clientAddress(): string {
    return this.#clientIP ??= this.client.remoteAddress ?? '';
  }
}
