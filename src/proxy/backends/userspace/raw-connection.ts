// RawConnection is one proxied TCP connection on the fast path: both the accepted connection and the one
// to the endpoint are bare TCP handles (lib/raw-tcp.ts), with no net.Socket around them, and the bytes
// move between them without streams: each side reads into a pooled buffer of its own (read-buffers.ts)
// and each read is written straight to the other handle (lib/raw-write.ts). A write the kernel does not
// take at once stops that reader until it has left: backpressure with no queue of ours.
//
// It connects to an endpoint (the next one when a connect fails or times out), optionally sends a PROXY
// header, then pumps both ways. A FIN is passed on as a shutdown (half-close); once both directions are
// done, both sides close. The client is not read before the endpoint answers (the kernel holds its bytes).
// The handlers are module-level functions that find their side through a symbol on the handle (`this`),
// so a connection allocates no closures.
import { writeRaw } from '../../../lib/raw-write.ts';
import type { WriteRequest } from '../../../lib/raw-write.ts';
import { connectTcp, lastRead, shutdownTcp, UV_EOF } from '../../../lib/raw-tcp.ts';
import type { ConnectRequest, TcpHandle } from '../../../lib/raw-tcp.ts';
import type { EndpointStats } from './metrics.ts';
import type { ConnectionOwner, ProxiedConnection } from './connection.ts';
import { proxyProtocolHeader } from './proxy-protocol.ts';
import { giveBuffer, LARGE, SMALL, takeBuffer } from './read-buffers.ts';

const SIDE = Symbol('portico.side');
const sideOf = (h: TcpHandle): Side => (h as TcpHandle & { [SIDE]: Side })[SIDE];

// Side is one of the connection's two handles.
class Side {
  readonly conn: RawConnection;
  readonly h: TcpHandle;
  peer!: Side;
  buf: Buffer | undefined = undefined;
  eof = false;        // its FIN arrived
  shut = false;       // we sent ours (shutdown asked)
  closing = false;    // close or reset asked
  closed = false;     // the handle is closed
  bytes = 0;          // bytesRead, kept when it closes

  constructor(conn: RawConnection, h: TcpHandle) {
    this.conn = conn;
    this.h = h;
    (h as TcpHandle & { [SIDE]: Side })[SIDE] = this;
  }

  bytesRead(): number { return this.closing ? this.bytes : this.h.bytesRead; }
  queued(): number { return this.closing ? 0 : this.h.writeQueueSize; }

  startReading(): void {
    this.h.useUserBuffer(this.buf = takeBuffer(SMALL));
    this.h.onread = onRead;
    this.h.readStart();
  }

  shutdown(): void {
    if (this.shut || this.closing) return;
    this.shut = true;
    const err = shutdownTcp(this.h);
    if (err < 0) this.conn.reset(); // the FIN cannot go out: end both sides
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.bytes = this.h.bytesRead;
    this.h.close(onClosed);
  }

  // reset closes with an RST. libuv refuses that once a shutdown was asked for (and Node then ignores a
  // close too, leaving the handle open for good), so a side that sent its FIN closes plainly.
  reset(): void {
    if (this.closing) return;
    if (this.shut) { this.close(); return; }
    this.closing = true;
    this.bytes = this.h.bytesRead;
    // any other refusal leaves the handle to Node (which then ignores a close): settle the accounting
    if (this.h.reset(onClosed) !== 0) { this.closed = true; this.conn.closed(); }
  }
}

// onRead is both handles' onread: a read goes to the other side at once; when the kernel could not take
// all of it, this side stops reading until onWritten. Returns the buffer to read into from then on.
function onRead(this: TcpHandle): Buffer | undefined {
  const side = sideOf(this);
  const n = lastRead();
  if (n > 0) {
    const buf = side.buf as Buffer;
    const r = writeRaw(side.peer.closing ? null : side.peer.h, n === buf.length ? buf : buf.subarray(0, n), onWritten, side);
    if (r === 0) {
      // a read that fills a small buffer is a bulk stream: read 64 KiB at a time from now on
      if (n === SMALL && buf.length === SMALL) { giveBuffer(buf); return side.buf = takeBuffer(LARGE); }
      return undefined;
    }
    if (r === 1) this.readStop();
    else side.conn.reset();
    return undefined;
  }
  if (n === UV_EOF) side.conn.ended(side);
  else if (n < 0) side.conn.reset();
  return undefined;
}

function onWritten(this: WriteRequest, status: number): void {
  const side = this.owner as Side;
  this.owner = undefined;
  this.buffer = null;
  if (status < 0) side.conn.reset();
  else if (!side.closing) side.h.readStart();
}

function onClosed(this: TcpHandle): void { const s = sideOf(this); s.closed = true; s.conn.closed(); }
function onUpConnect(this: ConnectRequest, status: number, handle: TcpHandle): void { (this.owner as RawConnection).connected(handle, status); }
function onConnectTimeout(c: RawConnection): void { c.connectFailed(); }
function onDrainTimeout(c: RawConnection): void { c.reset(); }
function onHeaderWritten(this: WriteRequest): void { this.owner = undefined; this.buffer = null; }
function noop(): void {}

export class RawConnection implements ProxiedConnection {
  readonly #client: Side;
  #up: Side | undefined;
  #connecting: TcpHandle | undefined;
  readonly #owner: ConnectionOwner;
  #clientIP: string | undefined;
  #key = '';
  #stats: EndpointStats | undefined;
  #tried: Set<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #done = false;
  #seen = 0;
  #seenQueue = 0;
  #seenAt = 0;

  constructor(client: TcpHandle, owner: ConnectionOwner) {
    this.#client = new Side(this, client);
    this.#owner = owner;
  }

  get endpointKey(): string { return this.#key; }

  // start picks an endpoint and connects; with none left, the client is reset.
  start(): void {
    if (this.#done || this.#client.closing) return;
    const owner = this.#owner;
    const ip = owner.balancer.affinityMs > 0 ? this.#clientAddress() : '';
    const ep = owner.balancer.pick(ip, this.#tried);
    if (!ep) { owner.settings.metrics.rejected(owner.plan); this.reset(); return; }
    this.#key = owner.balancer.key(ep);
    this.#stats = owner.stats(this.#key);
    this.#stats.selections.v++;
    const h = connectTcp(ep.ip, ep.port, onUpConnect, this);
    if (typeof h === 'number') { this.connectFailed(); return; }
    this.#connecting = h;
    const timeout = owner.settings.connectTimeoutMs;
    if (timeout > 0) this.#timer = setTimeout(onConnectTimeout, timeout, this);
  }

  // connectFailed: the attempt failed or timed out; the next endpoint not tried yet is tried.
  connectFailed(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (this.#stats) this.#stats.connectErrors.v++;
    (this.#tried ??= new Set()).add(this.#key);
    this.#abandonAttempt();
    this.#key = '';
    this.start();
  }

  // connected: the attempt on handle finished with status (0 or an errno).
  connected(handle: TcpHandle, status: number): void {
    if (handle !== this.#connecting || this.#done) return; // an abandoned attempt answering late
    if (status !== 0) { this.connectFailed(); return; }
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    this.#connecting = undefined;
    handle.setNoDelay(true);
    const client = this.#client, up = new Side(this, handle);
    this.#up = up;
    client.peer = up;
    up.peer = client;
    const stats = this.#stats as EndpointStats;
    stats.connections.v++;
    stats.active.v++;
    this.#owner.established(this);
    if (client.closing) return; // reset by a listener that closed meanwhile
    const pp = this.#owner.plan.proxyProtocol;
    if (pp) {
      const peer: Record<string, unknown> = {}, local: Record<string, unknown> = {};
      client.h.getpeername(peer);
      client.h.getsockname(local);
      const header = proxyProtocolHeader(pp, {
        sourceIP: String(peer['address'] ?? ''), sourcePort: Number(peer['port'] ?? 0),
        destIP: String(local['address'] ?? ''), destPort: Number(local['port'] ?? 0),
      });
      if (writeRaw(handle, header, onHeaderWritten, this) < 0) { this.reset(); return; }
    }
    up.startReading();
    client.startReading();
  }

  // ended: side sent its FIN. It goes on to the other side; once both sent theirs, both close.
  ended(side: Side): void {
    side.eof = true;
    const other = side.peer;
    if (other.eof) { side.close(); other.close(); return; }
    other.shutdown();
  }

  // closed: a handle closed; the connection settles once both did.
  closed(): void {
    const c = this.#client, up = this.#up;
    if (this.#done || !c.closed || (up && !up.closed) || this.#connecting) return;
    this.#done = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    if (c.buf) { giveBuffer(c.buf); c.buf = undefined; }
    if (up?.buf) { giveBuffer(up.buf); up.buf = undefined; }
    if (up && this.#stats) {
      this.#stats.active.v--;
      this.#stats.bytesToEndpoint.v += c.bytes;
      this.#stats.bytesFromEndpoint.v += up.bytes;
      this.#owner.closed(this);
    }
    this.#owner.finished();
  }

  // drain resets the connection after ms unless it ends first.
  drain(ms: number): void {
    if (this.#done || this.#drainTimer) return;
    this.#drainTimer = setTimeout(onDrainTimeout, ms, this);
  }

  // reset aborts both sides with a TCP RST.
  reset(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    this.#abandonAttempt();
    this.#up?.reset();
    this.#client.reset();
  }

  // idle resets the connection when no byte moved either way since a sweep at least ms ago.
  // Progress counts both ways: bytes read on either side, or a pending write whose queue changed (a slow
  // reader taking a write larger than the kernel's buffers; our read of the other side is stopped
  // meanwhile). A queue that does not move is idle. Bytes already in the kernel's buffers are not
  // watched, as with HAProxy's timeouts.
  idle(now: number, ms: number): void {
    const c = this.#client, up = this.#up;
    const n = c.bytesRead() + (up?.bytesRead() ?? 0);
    const q = c.queued() + (up?.queued() ?? 0);
    if (n !== this.#seen || q !== this.#seenQueue || this.#seenAt === 0) { this.#seen = n; this.#seenQueue = q; this.#seenAt = now; return; }
    if (now - this.#seenAt >= ms) this.reset();
  }

  // #abandonAttempt closes a connect in progress; its callback then finds it no longer current.
  #abandonAttempt(): void {
    const h = this.#connecting;
    if (!h) return;
    this.#connecting = undefined;
    h.close(noop);
    if (this.#client.closed) this.closed();
  }

  #clientAddress(): string {
    if (this.#clientIP === undefined) {
      const peer: Record<string, unknown> = {};
      this.#client.h.getpeername(peer);
      this.#clientIP = String(peer['address'] ?? '');
    }
    return this.#clientIP;
  }
}
