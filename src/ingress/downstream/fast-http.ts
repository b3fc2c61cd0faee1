// FastHttp serves plain-HTTP listener connections without node:http while their requests are the
// common case (see request-head.ts): it reads the head, asks the handler to serve it (handleFast), and
// answers through a FastResponse, one request at a time per connection (pipelined requests wait in the
// buffer). The first request it cannot serve hands the connection, with every byte not yet consumed,
// to node:http's own connection listener, which owns it from then on (bodies, upgrades, middlewares,
// malformed or oversized heads get node's usual handling and error answers).
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { readInto } from '../../lib/user-buffer.ts';
import type { IngressHandler, Listener } from '../handler.ts';
import { clientAddress } from '../upstream/headers.ts';
import { FastResponse } from './fast-response.ts';
import type { ResponseOwner } from './fast-response.ts';
import { parseRequestHead } from './request-head.ts';

const C = Symbol('fastConnection');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 8 * 1024;           // longer heads go to node:http (its limit is 16 KiB, then 431)
const MAX_BUFFERED = 64 * 1024;      // pipelined bytes held while a request runs before reading pauses
const HEADERS_TIMEOUT_MS = 60_000;   // a head still incomplete after this long drops the connection

type Tagged = Socket & { [C]?: FastConnection | undefined };

// Client reads go through net's onread machinery (into READ_BUFFER, no Readable push per read), which
// accepted sockets cannot ask for: it is switched on as net.Socket does for the onread option, with
// net's own symbols. Without them (another Node), reads come as 'data' events. After a hand-off the
// callback pushes a copy of each read into the stream, so node:http reads as usual.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function readIntoBuffer(s: Socket): void { readInto(s, READ_BUFFER, onRead); }

export class FastHttp {
  readonly handler: IngressHandler;
  readonly keepAliveLine: string;
  readonly keepAliveMs: number;
  readonly conns = new Set<FastConnection>();
  listener: Listener = { scheme: 'http', port: 0 };
  readonly #handOff: (s: Socket) => void;

  constructor(handler: IngressHandler, keepAliveMs: number, handOff: (s: Socket) => void) {
    this.handler = handler;
    this.keepAliveMs = keepAliveMs;
    this.keepAliveLine = `Keep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n`;
    this.#handOff = handOff;
  }

  // install takes over the http.Server's connections; undefined when node's listener is not the only one.
  static install(srv: HttpServer, handler: IngressHandler, keepAliveMs: number): FastHttp | undefined {
    const ls = srv.listeners('connection');
    const nodeListener = ls[0] as ((this: HttpServer, s: Socket) => void) | undefined;
    if (ls.length !== 1 || !nodeListener) return undefined;
    const fast = new FastHttp(handler, keepAliveMs, (s) => nodeListener.call(srv, s));
    srv.removeListener('connection', nodeListener);
    srv.on('connection', (s: Socket) => fast.accept(s));
    return fast;
  }

  accept(s: Socket): void { this.conns.add(new FastConnection(this, s)); }

  handOff(c: FastConnection): void {
    this.conns.delete(c);
    this.#handOff(c.socket);
  }

  // closeIdle drops the connections with no request in flight (server shutdown).
  closeIdle(): void { for (const c of this.conns) if (!c.res) c.socket.destroy(); }
}

class FastConnection implements ResponseOwner {
  readonly fast: FastHttp;
  readonly socket: Socket;
  readonly clientIP: string;
  readonly keepAliveLine: string;
  buf: Buffer | undefined = undefined;
  res: FastResponse | undefined = undefined;
  partialSince = 0;
  processing = false;
  closing = false;
  waitDrain = false;

  constructor(fast: FastHttp, s: Socket) {
    this.fast = fast;
    this.socket = s;
    this.keepAliveLine = fast.keepAliveLine;
    this.clientIP = clientAddress(s.remoteAddress);
    (s as Tagged)[C] = this;
    for (const [event, fn] of HANDLERS) s.on(event, fn);
    s.setTimeout(fast.keepAliveMs + 1_000);
    readIntoBuffer(s);
  }

  // process serves the buffered requests, one at a time.
  process(): void {
    if (this.processing) return;
    this.processing = true;
    while (this.buf !== undefined && this.res === undefined && !this.closing) {
      const b = this.buf;
      const end = b.indexOf(CRLFCRLF);
      if (end < 0) {
        if (b.length > MAX_HEAD) { this.handOff(); break; }
        const now = Date.now();
        if (this.partialSince === 0) this.partialSince = now;
        else if (now - this.partialSince > HEADERS_TIMEOUT_MS) this.socket.destroy();
        break;
      }
      this.partialSince = 0;
      const head = end > MAX_HEAD ? undefined : parseRequestHead(b.toString('latin1', 0, end));
      if (!head) { this.handOff(); break; }
      const res = new FastResponse(this, this.socket, head.method === 'HEAD', head.keepAlive);
      this.res = res;
      this.buf = end + 4 === b.length ? undefined : b.subarray(end + 4);
      if (!this.fast.handler.handleFast(head, this.clientIP, res, this.fast.listener)) {
        this.res = undefined;
        this.buf = b;
        this.handOff();
        break;
      }
    }
    this.processing = false;
  }

  responseDone(res: FastResponse): void {
    if (this.res !== res) return;
    this.res = undefined;
    if (this.closing) return;
    const s = this.socket;
    if (res.last) { this.closing = true; (s as Socket & { destroySoon(): void }).destroySoon(); return; }
    if (s.isPaused()) s.resume();
    if (s.writableNeedDrain) { this.waitDrain = true; return; }
    if (this.buf !== undefined) this.process();
  }

  // halfClosed: the client sent FIN. As node:http (httpAllowHalfOpen off), the connection ends at once:
  // a request in flight is aborted when the socket closes, an incomplete head gets a 400.
  halfClosed(): void {
    this.closing = true;
    if (this.res === undefined && this.buf !== undefined) this.socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', 'latin1');
    else this.socket.end();
  }

  handOff(): void {
    const s = this.socket as Tagged;
    for (const [event, fn] of HANDLERS) s.removeListener(event, fn);
    s.setTimeout(0);
    s[C] = undefined;
    if (this.buf !== undefined) s.unshift(Buffer.from(this.buf));
    this.buf = undefined;
    if (s.isPaused()) s.resume();
    // node:http must read through the stream (which holds the unshifted bytes), not straight from the handle.
    const h = (s as unknown as { _handle?: { _consumed?: boolean } })._handle;
    if (h) h._consumed = true;
    this.fast.handOff(this);
  }
}

function conn(s: Socket): FastConnection | undefined { return (s as Tagged)[C]; }

function onData(this: Socket, d: Buffer): void {
  const c = conn(this);
  if (c) received(c, d);
}

// onRead is the onread callback (this is the socket): d is a view of READ_BUFFER, copied if kept.
function onRead(this: Socket, n: number, buf: Buffer): boolean {
  const d = buf.subarray(0, n);
  const c = conn(this);
  if (!c) return this.push(Buffer.from(d));
  received(c, d);
  if (c.buf !== undefined && c.buf.buffer === READ_BUFFER.buffer) c.buf = Buffer.from(c.buf);
  return true;
}

function received(c: FastConnection, d: Buffer): void {
  if (c.closing) return;
  c.buf = c.buf === undefined ? d : Buffer.concat([c.buf, d]);
  if (c.res !== undefined || c.waitDrain) { if (c.buf.length > MAX_BUFFERED) c.socket.pause(); return; }
  c.process();
}

function onEnd(this: Socket): void {
  const c = conn(this);
  if (c && !c.closing) c.halfClosed();
}

function onClose(this: Socket): void {
  const c = conn(this);
  if (!c) return;
  c.fast.conns.delete(c);
  c.closing = true;
  const r = c.res;
  c.res = undefined;
  if (r) r.socketClosed();
}

function onError(this: Socket): void { this.destroy(); }

function onDrain(this: Socket): void {
  const c = conn(this);
  if (!c) return;
  if (c.res) { c.res.drained(); return; }
  if (c.waitDrain) { c.waitDrain = false; c.process(); }
}

function onTimeout(this: Socket): void {
  const c = conn(this);
  if (c && c.res === undefined) this.destroy();
}

// HANDLERS are the socket listeners of a fast-path connection, removed together when node:http takes over
// (any[]: each listener takes its own event's arguments).
const HANDLERS: readonly (readonly [string, (this: Socket, ...args: any[]) => void])[] = [
  ['data', onData], ['end', onEnd], ['close', onClose], ['error', onError], ['drain', onDrain], ['timeout', onTimeout],
];
