// RawConnection is one proxied TCP connection on the fast path: the client is the accepted net.Socket,
// the connection to the endpoint a bare TCP handle (lib/raw-tcp.ts), and the bytes move between the two
// handles without streams: each side reads into a pooled buffer of its own (read-buffers.ts) and the read
// is written straight to the other handle (lib/raw-write.ts). A write the kernel does not take at once
// stops that reader until it has left: backpressure with no queue of ours.
//
// It connects to an endpoint (the next one when a connect fails or times out), optionally sends a PROXY
// header, then pumps both ways; a FIN is passed on as a shutdown (half-close), and a side whose both
// directions are done is closed. The handlers are module-level functions that find their connection
// through a symbol on the handle or socket (`this`), so a connection allocates no closures.
import type { Socket } from 'node:net';
import { readInto } from '../../../lib/user-buffer.ts';
import { handleOf, writeRaw } from '../../../lib/raw-write.ts';
import type { WriteRequest } from '../../../lib/raw-write.ts';
import { connectTcp, lastRead, shutdownTcp, UV_EOF } from '../../../lib/raw-tcp.ts';
import type { ConnectRequest, TcpHandle } from '../../../lib/raw-tcp.ts';
import type { EndpointInfo } from '../../model/endpoint.ts';
import type { EndpointStats } from './metrics.ts';
import type { ConnectionOwner, ProxiedConnection } from './connection.ts';
import { proxyProtocolHeader } from './proxy-protocol.ts';
import { giveBuffer, LARGE, SMALL, takeBuffer } from './read-buffers.ts';

const CONN = Symbol('portico.rawConn');
type Tagged<T> = T & { [CONN]: RawConnection };
const conn = (o: object): RawConnection => (o as Tagged<object>)[CONN];

// nextBuffer is the buffer a read callback chose for its socket's next reads (net asks right after).
let nextBuffer: Buffer | undefined;
function takeNext(): Buffer | undefined { const b = nextBuffer; nextBuffer = undefined; return b; }

// client → endpoint: the client socket's onread callback. false stops the client's reads (the endpoint
// holds the buffer until onUpWritten).
function onClientRead(this: Socket, n: number, buf: Buffer): boolean {
  const c = conn(this);
  const r = writeRaw(c.up ?? null, n === buf.length ? buf : buf.subarray(0, n), onUpWritten, c);
  if (r === 0) {
    if (n === SMALL && buf.length === SMALL) { giveBuffer(buf); c.clientBuf = nextBuffer = takeBuffer(LARGE); }
    return true;
  }
  if (r < 0) c.reset();
  return false;
}
function onUpWritten(this: WriteRequest, status: number): void {
  const c = this.owner as RawConnection;
  this.owner = undefined;
  this.buffer = null;
  if (status < 0) c.reset();
  else if (!c.client.destroyed) c.client.resume();
}

// endpoint → client: the bare handle's onread (`this` the handle).
function onUpRead(this: TcpHandle): Buffer | undefined {
  const c = conn(this);
  const n = lastRead();
  if (n > 0) {
    const buf = c.upBuf as Buffer;
    const r = writeRaw(handleOf(c.client), n === buf.length ? buf : buf.subarray(0, n), onClientWritten, c);
    if (r === 0) {
      if (n === SMALL && buf.length === SMALL) { giveBuffer(buf); return c.upBuf = takeBuffer(LARGE); }
      return undefined;
    }
    if (r === 1) this.readStop();
    else c.reset();
    return undefined;
  }
  if (n === UV_EOF) c.upEnded();
  else if (n < 0) c.reset();
  return undefined;
}
function onClientWritten(this: WriteRequest, status: number): void {
  const c = this.owner as RawConnection;
  this.owner = undefined;
  this.buffer = null;
  if (status < 0) c.reset();
  else if (c.up && !c.upClosing) c.up.readStart();
}

function onUpConnect(this: ConnectRequest, status: number, handle: TcpHandle): void { (this.owner as RawConnection).connected(handle, status); }
function onUpClosed(this: TcpHandle): void { conn(this).upClosed(); }
function onConnectTimeout(c: RawConnection): void { c.connectFailed(); }
function onDrainTimeout(c: RawConnection): void { c.reset(); }
function onClientEnd(this: Socket): void { conn(this).clientEnded(); }
function onClientClose(this: Socket): void { conn(this).clientClosed(); }
function onClientError(this: Socket): void { conn(this).reset(); }
function onHeaderWritten(this: WriteRequest): void { this.owner = undefined; this.buffer = null; }

export class RawConnection implements ProxiedConnection {
  readonly client: Socket;
  readonly #owner: ConnectionOwner;
  up: TcpHandle | undefined;
  clientBuf: Buffer | undefined;
  upBuf: Buffer | undefined;
  upClosing = false;
  #upDone = false;
  #upBytes = 0;
  #clientIP: string | undefined;
  #endpoint: EndpointInfo | undefined;
  #key = '';
  #stats: EndpointStats | undefined;
  #tried: Set<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #established = false;
  #upEof = false;
  #upShut = false;
  #clientEof = false;
  #clientGone = false;
  #done = false;
  #seen = 0;
  #seenAt = 0;

  constructor(client: Socket, owner: ConnectionOwner) {
    this.client = client;
    this.#owner = owner;
    (client as Tagged<Socket>)[CONN] = this;
    client.on('error', onClientError);
    client.on('close', onClientClose);
  }

  get endpointKey(): string { return this.#key; }

  // start picks an endpoint and connects; with none left, the client is reset.
  start(): void {
    if (this.#done || this.#clientGone) return;
    const owner = this.#owner;
    const ip = owner.balancer.affinityMs > 0 ? this.#clientAddress() : '';
    const ep = owner.balancer.pick(ip, this.#tried);
    if (!ep) { owner.settings.metrics.rejected(owner.plan); this.reset(); return; }
    this.#endpoint = ep;
    this.#key = owner.balancer.key(ep);
    this.#stats = owner.stats(this.#key);
    this.#stats.selections.v++;
    const h = connectTcp(ep.ip, ep.port, onUpConnect, this);
    if (typeof h === 'number') { this.connectFailed(); return; }
    (h as Tagged<TcpHandle>)[CONN] = this;
    this.up = h;
    this.upClosing = false;
    this.#upDone = false;
    const timeout = owner.settings.connectTimeoutMs;
    if (timeout > 0) this.#timer = setTimeout(onConnectTimeout, timeout, this);
  }

  // connectFailed: the attempt failed or timed out; the next endpoint not tried yet is tried.
  connectFailed(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (this.#stats) this.#stats.connectErrors.v++;
    (this.#tried ??= new Set()).add(this.#key);
    const h = this.up;
    this.up = undefined;
    if (h) h.close(noop);
    this.#endpoint = undefined;
    this.#key = '';
    this.start();
  }

  // connected: the attempt on handle finished with status (0 or an errno).
  connected(handle: TcpHandle, status: number): void {
    if (handle !== this.up || this.upClosing || this.#done) return; // an abandoned attempt answering late
    if (status !== 0) { this.connectFailed(); return; }
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (this.#clientGone) { this.#closeUp(); return; }
    const up = this.up;
    up.setNoDelay(true);
    this.#established = true;
    const stats = this.#stats as EndpointStats;
    stats.connections.v++;
    stats.active.v++;
    this.#owner.established(this);
    const pp = this.#owner.plan.proxyProtocol;
    const client = this.client;
    if (pp) {
      const header = proxyProtocolHeader(pp, {
        sourceIP: this.#clientAddress(), sourcePort: client.remotePort ?? 0,
        destIP: client.localAddress ?? '', destPort: client.localPort ?? 0,
      });
      if (writeRaw(up, header, onHeaderWritten, this) < 0) { this.reset(); return; }
    }
    up.useUserBuffer(this.upBuf = takeBuffer(SMALL));
    up.onread = onUpRead;
    up.readStart();
    client.on('end', onClientEnd);
    readInto(client, this.clientBuf = takeBuffer(SMALL), onClientRead, takeNext);
    client.resume();
  }

  // upEnded: the endpoint sent its FIN. It goes on to the client; when the client had sent its own, both
  // directions are done and both sides close.
  upEnded(): void {
    this.#upEof = true;
    if (this.#clientEof || this.#clientGone) { this.#closeUp(); this.client.destroy(); return; }
    this.client.end();
  }

  // clientEnded: the client sent its FIN; likewise.
  clientEnded(): void {
    this.#clientEof = true;
    if (this.#upEof) { this.#closeUp(); return; }
    if (this.up && !this.upClosing) this.#shutUp(this.up);
  }

  clientClosed(): void {
    this.#clientGone = true;
    if (!this.#established) { this.#closeUp(); this.#finish(); return; }
    // the client's socket is gone: the endpoint gets its FIN (if not closed already) and closes after it
    if (this.up && !this.upClosing && !this.#upEof) this.#shutUp(this.up);
    else this.#closeUp();
    this.#finish();
  }

  upClosed(): void { this.#upDone = true; this.#finish(); }

  // drain resets the connection after ms unless it ends first.
  drain(ms: number): void {
    if (this.#done || this.#drainTimer) return;
    this.#drainTimer = setTimeout(onDrainTimeout, ms, this);
  }

  // reset aborts both sides with a TCP RST.
  reset(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (!this.client.destroyed) this.client.resetAndDestroy();
    const h = this.up;
    if (h && !this.upClosing) {
      this.upClosing = true;
      this.#upBytes = h.bytesRead;
      // libuv refuses a reset once a shutdown was asked for (and Node then ignores a close too, leaving the
      // handle open for good): after a FIN, the endpoint's side closes plainly.
      if (!this.#established) { this.up = undefined; h.close(noop); } else if (this.#upShut) h.close(onUpClosed); else h.reset(onUpClosed);
    }
  }

  // idle resets the connection when no byte moved either way since a sweep at least ms ago.
  idle(now: number, ms: number): void {
    const n = this.client.bytesRead + this.#upBytesRead();
    if (n !== this.#seen || this.#seenAt === 0) { this.#seen = n; this.#seenAt = now; return; }
    if (now - this.#seenAt >= ms) this.reset();
  }

  #shutUp(h: TcpHandle): void {
    if (this.#upShut) return;
    this.#upShut = true;
    shutdownTcp(h);
  }

  #upBytesRead(): number { return this.up && !this.upClosing ? this.up.bytesRead : this.#upBytes; }

  #closeUp(): void {
    const h = this.up;
    if (!h || this.upClosing) return;
    this.upClosing = true;
    this.#upBytes = h.bytesRead;
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    h.close(onUpClosed);
  }

  // #finish settles the connection once the client socket and the endpoint handle are both closed.
  #finish(): void {
    if (this.#done || !this.#clientGone) return;
    if (this.up && !this.#upDone) return;
    this.#done = true;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    if (this.#timer) clearTimeout(this.#timer);
    if (this.clientBuf) { giveBuffer(this.clientBuf); this.clientBuf = undefined; }
    if (this.upBuf) { giveBuffer(this.upBuf); this.upBuf = undefined; }
    if (this.#established && this.#stats) {
      this.#stats.active.v--;
      this.#stats.bytesToEndpoint.v += this.client.bytesRead;
      this.#stats.bytesFromEndpoint.v += this.#upBytes;
      this.#owner.closed(this);
    }
  }

  #clientAddress(): string {
    return this.#clientIP ??= this.client.remoteAddress ?? '';
  }
}

function noop(): void {}
