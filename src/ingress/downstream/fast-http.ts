// FastHttp serves plain-HTTP listener connections without node:http while their requests are the
// common case (see request-head.ts): it reads the head, asks the handler to serve it (handleFast), and
// answers through a FastResponse, one request at a time per connection (pipelined requests wait). The
// connections are bare TCP handles (lib/raw-tcp.ts) taken from the http.Server's listening handle: no
// net.Socket, stream, timer or event emitter per connection; reads land in one shared buffer and are kept
// as latin1 strings (one char per byte) only while a head is incomplete or a pipelined request waits.
//
// The first request it cannot serve hands the connection, with every byte not yet consumed, to
// node:http: net's own accept path wraps the handle in a net.Socket and emits 'connection' as for a
// fresh connection, and node:http owns it from then on (bodies, upgrades, middlewares, malformed or
// oversized heads get node's usual handling and error answers). Idle and header timeouts are kept by
// one sweep over the connections.
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { lastRead, latin1Text, shutdownTcp, UV_EOF } from '../../lib/raw-tcp.ts';
import type { ShutdownRequest, TcpHandle } from '../../lib/raw-tcp.ts';
import { writeRawString } from '../../lib/raw-write.ts';
import type { WriteRequest } from '../../lib/raw-write.ts';
import { readInto } from '../../lib/user-buffer.ts';
import type { IngressHandler, Listener } from '../handler.ts';
import { fastProxyAvailable } from '../upstream/fast-proxy.ts';
import { clientAddress, ClientHeads } from '../upstream/headers.ts';
import { FastResponse } from './fast-response.ts';
import type { ResponseOwner } from './fast-response.ts';
import { parseRequestHead } from './request-head.ts';

const MAX_HEAD = 8 * 1024;           // longer heads go to node:http (its limit is 16 KiB, then 431)
const MAX_BUFFERED = 64 * 1024;      // pipelined bytes held while a request runs before reading pauses
const HEADERS_TIMEOUT_MS = 60_000;   // a head still incomplete after this long drops the connection
const SWEEP_MS = 1_000;

// READ_BUFFER receives every client read (all connections: each read is consumed or copied at once).
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const C = Symbol('fastConnection');
// clock is Date.now() as of the last accept or sweep (at most SWEEP_MS old): what the idle timeout
// counts from, without reading the time on every read
let clock = Date.now();

type ServerHandle = { onconnection: (err: number, h: TcpHandle | undefined) => void };
type Tagged = TcpHandle & { [C]?: FastConnection | undefined; _consumed?: boolean };

export class FastHttp {
  readonly handler: IngressHandler;
  readonly keepAliveLines: string;
  readonly keepAliveMs: number;
  readonly conns = new Set<FastConnection>();
  listener: Listener = { scheme: 'http', port: 0 };
  stopping = false;
  readonly #srv: HttpServer;
  #accept: ServerHandle['onconnection'] | undefined = undefined;   // net's own, for hand-offs
  #handing: { h: TcpHandle; rest: string | undefined } | undefined = undefined;
  #timer: NodeJS.Timeout | undefined = undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(srv: HttpServer, handler: IngressHandler, keepAliveMs: number) {
    this.#srv = srv;
    this.handler = handler;
    this.keepAliveMs = keepAliveMs;
    this.keepAliveLines = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n`;
  }

  // install takes over the http.Server's accepted connections once it listens; undefined when this Node
  // lacks the bare handles, or node's connection listener is not the only one (the server then serves
  // every connection itself).
  static install(srv: HttpServer, handler: IngressHandler, keepAliveMs: number): FastHttp | undefined {
    if (!fastProxyAvailable) return undefined;   // the bare handles and raw writes both paths use
    if (srv.listeners('connection').length !== 1) return undefined;
    const fast = new FastHttp(srv, handler, keepAliveMs);
    srv.prependListener('connection', (s: Socket) => fast.#adopted(s));
    srv.on('listening', () => fast.#attach());
    return fast;
  }

  #attach(): void {
    const h = (this.#srv as unknown as { _handle?: ServerHandle | null })._handle;
    if (!h || typeof h.onconnection !== 'function') return;
    const accept = h.onconnection;
    this.#accept = accept;
    h.onconnection = (err, client) => {
      if (err !== 0 || !client) { accept.call(h, err, client); return; }
      this.conns.add(new FastConnection(this, client));
      this.#sweepSoon();
    };
  }

  // handOff gives the connection to node:http through net's accept path (#adopted runs inside it).
  handOff(c: FastConnection, rest: string | undefined): void {
    this.forget(c);
    const h = c.h as Tagged;
    h.readStop();
    h[C] = undefined;
    // node:http must read through the stream (which gets the unconsumed bytes), not straight from the handle
    h._consumed = true;
    const srvHandle = (this.#srv as unknown as { _handle?: ServerHandle | null })._handle;
    this.#handing = { h, rest };
    try {
      if (this.#accept && srvHandle) this.#accept.call(srvHandle, 0, h);
      else h.close(noop);
    } finally {
      this.#handing = undefined;
    }
  }

  // #adopted: a net.Socket was just made for a handed-off handle; before node:http sees it, its reads go
  // to the stream as copies (the handle reads into a buffer of ours since it was accepted) and the bytes
  // already read are put back.
  #adopted(s: Socket): void {
    const handing = this.#handing;
    if (!handing || (s as unknown as { _handle?: unknown })._handle !== handing.h) return;
    readInto(s, READ_BUFFER, pushCopy);
    if (handing.rest !== undefined) s.unshift(Buffer.from(handing.rest, 'latin1'));
  }

  forget(c: FastConnection): void {
    if (!this.conns.delete(c)) return;
    if (this.conns.size === 0) for (const f of this.#idleWaiters.splice(0)) f();
  }

  // closeIdle drops the connections with no request in flight (server shutdown); the others close after
  // their response (Connection: close), as node:http's do. closeAll drops them all.
  closeIdle(): void {
    this.stopping = true;
    for (const c of [...this.conns]) if (!c.res) c.destroy();
  }
  closeAll(): void { for (const c of [...this.conns]) c.destroy(); }

  // drained resolves once no fast-path connection is left.
  drained(): Promise<void> {
    if (this.conns.size === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  #sweepSoon(): void {
    if (this.#timer === undefined) this.#timer = setTimeout(sweep, SWEEP_MS, this).unref();
  }

  sweep(): void {
    this.#timer = undefined;
    const now = clock = Date.now();
    for (const c of this.conns) {
      if (c.partialSince > 0 && now - c.partialSince > HEADERS_TIMEOUT_MS) { c.destroy(); continue; }
      if (c.res === undefined && now - c.activeAt > this.keepAliveMs + 1_000) c.destroy();
    }
    if (this.conns.size > 0) this.#sweepSoon();
  }
}

function sweep(f: FastHttp): void { f.sweep(); }

function pushCopy(this: Socket, n: number, buf: Buffer): boolean { return this.push(Buffer.from(buf.subarray(0, n))); }

function noop(): void {}

class FastConnection implements ResponseOwner {
  readonly fast: FastHttp;
  readonly h: TcpHandle;
  readonly peer: ClientHeads;         // the client's address, and the heads its requests send upstream
  readonly keepAliveLines: string;
  rest: string | undefined = undefined;   // bytes read and not consumed yet (latin1)
  res: FastResponse | undefined = undefined;
  partialSince = 0;
  activeAt: number;
  pendingWrites = 0;
  processing = false;
  closing = false;        // no more requests: ending, or handed off
  closed = false;
  reading = true;
  closeWhenWritten = false;

  get stopping(): boolean { return this.fast.stopping; }

  constructor(fast: FastHttp, h: TcpHandle) {
    this.fast = fast;
    this.h = h;
    this.keepAliveLines = fast.keepAliveLines;
    this.activeAt = clock = Date.now();
    const peer: { address?: string } = {};
    h.getpeername(peer);
    this.peer = new ClientHeads(clientAddress(peer.address), fast.listener.scheme, fast.listener.port);
    (h as Tagged)[C] = this;
    h.setNoDelay(true);
    h.useUserBuffer(READ_BUFFER);
    h.onread = onRead;
    h.readStart();
  }

  received(text: string): void {
    if (this.closing) return;
    this.rest = this.rest === undefined ? text : this.rest + text;
    if (this.res !== undefined || this.pendingWrites > 0) {
      if (this.rest.length > MAX_BUFFERED) this.stopReading();
      return;
    }
    this.process();
  }

  // process serves the buffered requests, one at a time.
  process(): void {
    if (this.processing) return;
    this.processing = true;
    while (this.rest !== undefined && this.res === undefined && !this.closing) {
      const text = this.rest;
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (text.length > MAX_HEAD) { this.handOff(); break; }
        if (this.partialSince === 0) this.partialSince = Date.now();
        break;
      }
      this.partialSince = 0;
      const head = end > MAX_HEAD ? undefined : parseRequestHead(text, end, this.peer.lastHost);
      if (!head) { this.handOff(); break; }
      const res = new FastResponse(this, head.method === 'HEAD', head.keepAlive);
      this.res = res;
      this.rest = end + 4 === text.length ? undefined : text.slice(end + 4);
      if (!this.fast.handler.handleFast(head, this.peer, res, this.fast.listener)) {
        this.res = undefined;
        this.rest = text;
        this.handOff();
        break;
      }
    }
    this.processing = false;
    if (!this.reading && !this.closing && (this.rest === undefined || this.rest.length <= MAX_BUFFERED)) this.startReading();
  }

  // write sends bytes to the client; false when the kernel did not take them all (drained() follows).
  write(s: string): boolean {
    if (this.closed) return true;
    const r = writeRawString(this.h, s, onWritten, this);
    if (r === 0) return true;
    if (r < 0) { this.destroy(); return true; }
    this.pendingWrites++;
    return false;
  }

  written(status: number): void {
    this.pendingWrites--;
    if (status < 0) { this.destroy(); return; }
    if (this.pendingWrites > 0 || this.closed) return;
    if (this.closeWhenWritten) { this.destroy(); return; }
    if (this.res) { this.res.drained(); return; }
    if (this.rest !== undefined) this.process();
  }

  responseDone(res: FastResponse): void {
    if (this.res !== res) return;
    this.res = undefined;
    this.activeAt = clock;
    if (this.closing) return;
    if (res.last) { this.closing = true; this.closeSoon(); return; }
    if (this.pendingWrites > 0) return;   // written() goes on
    if (this.rest !== undefined) this.process();
    else if (!this.reading) this.startReading();
  }

  // halfClosed: the client sent FIN. As node:http (httpAllowHalfOpen off), the connection ends at once:
  // a request in flight is aborted when the handle closes, an incomplete head gets a 400.
  halfClosed(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.res === undefined && this.rest !== undefined) this.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    if (shutdownTcp(this.h, onShutdown) < 0) this.destroy();
  }

  // closeSoon closes once the pending writes have left (node's destroySoon).
  closeSoon(): void {
    if (this.pendingWrites === 0) this.destroy();
    else this.closeWhenWritten = true;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.fast.forget(this);
    this.h.close(noop);
    const r = this.res;
    this.res = undefined;
    if (r) r.socketClosed();
  }

  stopReading(): void { if (this.reading) { this.reading = false; this.h.readStop(); } }
  startReading(): void { if (!this.reading && !this.closed) { this.reading = true; this.h.readStart(); } }

  handOff(): void {
    if (this.closing) return;
    this.closing = true;
    const rest = this.rest;
    this.rest = undefined;
    this.fast.handOff(this, rest);
  }
}

function conn(h: TcpHandle): FastConnection | undefined { return (h as Tagged)[C]; }

// onRead is every fast connection's onread: the byte count (or an errno, UV_EOF at the end) is in lastRead().
function onRead(this: TcpHandle): undefined {
  const c = conn(this);
  if (!c || c.closed) return undefined;
  const n = lastRead();
  if (n > 0) { c.activeAt = clock; c.received(latin1Text(READ_BUFFER, n)); }
  else if (n === UV_EOF) c.halfClosed();
  else if (n < 0) c.destroy();
  return undefined;
}

function onWritten(this: WriteRequest, status: number): void {
  const c = this.owner as FastConnection;
  this.owner = undefined;
  this.buffer = null;
  c.written(status);
}

function onShutdown(this: ShutdownRequest): void { const c = conn(this.handle); if (c) c.destroy(); }
