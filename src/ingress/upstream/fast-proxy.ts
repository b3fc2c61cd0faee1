// FastForwarder is the HTTP/1.1 fast path for body-less requests from HTTP/1.1 clients to plain-HTTP
// backends (the common case): backend connections are bare TCP handles (lib/raw-tcp.ts: no net.Socket,
// stream or timer per connection) kept in a per-endpoint idle stack, the request head is written as one
// string, and H1ResponseParser streams the answer into the client's response. It skips
// http.ClientRequest, IncomingMessage and the Agent, which cost more than the proxying itself. A connect
// failure retries the next endpoint (proxy-next-upstream); a reused connection the backend closed before
// answering is retried once on a fresh one. The connect and read timeouts are kept by one sweep over the
// connections (SWEEP_MS), not a timer each. Without the bare handles (fastProxyAvailable false) the
// handler forwards every request through node:http's Agent instead.
import { getSystemErrorName } from 'node:util';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RouteAnnotations } from '../contract.ts';
import { connectTcp, lastRead, rawTcpAvailable, UV_EOF } from '../../lib/raw-tcp.ts';
import type { ConnectRequest, TcpHandle } from '../../lib/raw-tcp.ts';
import { rawWriteAvailable, writeRawString } from '../../lib/raw-write.ts';
import { pickNext, recordLatency } from './balancer.ts';
import { H1ResponseParser, HAS_DATE, HAS_LENGTH } from './h1-response-parser.ts';
import type { ResponseSink } from './h1-response-parser.ts';
import { sendError } from './http-proxy.ts';
import type { Endpoint, Upstream } from './upstream.ts';

export const fastProxyAvailable = rawTcpAvailable && rawWriteAvailable;

// ClientResponse is what FastExchange needs of the client's response: an http.ServerResponse, or the
// plain-HTTP fast path's FastResponse (downstream/fast-response.ts).
export interface ClientResponse {
  readonly destroyed: boolean;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): unknown;
  // writeLines (FastResponse) takes the head as H1ResponseParser passes it on: lines and flags
  writeLines?(status: number, lines: string, flags: number): unknown;
  write(chunk: string, encoding: 'latin1'): boolean;
  end(body?: string): unknown;
  destroy(): unknown;
  on(event: 'close', f: () => void): unknown;
  once(event: 'drain', f: () => void): unknown;
}

const MAX_IDLE_PER_ENDPOINT = 256;
const IDLE_TIMEOUT_MS = 60_000;    // a pooled connection unused this long is closed
const SWEEP_MS = 100;
// READ_BUFFER receives every backend read: the parser turns it into latin1 text at once.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const PARK_MS = 1_000;
// clock is Date.now() as of the last sweep or connect (at most SWEEP_MS old while connections exist)
let clock = Date.now();
// EXCHANGE is where FastExchange leaves itself on the client's response, for its 'close' listener
// (FastResponse declares it, so the store does not change the object's shape per request).
export const EXCHANGE: unique symbol = Symbol('fastExchange');
const CONN = Symbol('conn');

class Conn {
  readonly h: TcpHandle;
  readonly parser = new H1ResponseParser();
  readonly key: string;
  readonly pool: ConnPool;
  x: FastExchange | undefined = undefined;
  connected = false;
  used = false;
  closed = false;
  paused = false;
  since: number;          // connect start, last request or last read: what the timeouts count from
  timeoutMs = 0;          // the read timeout of the request in flight

  constructor(pool: ConnPool, e: Endpoint, now: number) {
    this.pool = pool;
    this.key = e.key;
    this.since = now;
    const h = connectTcp(e.address, e.port, onConnConnect, this);
    if (typeof h === 'number') {
      // the connect could not start: a handle that is already closed reports it on the next turn
      this.h = null as unknown as TcpHandle;
      this.closed = true;
      queueMicrotask(() => this.lost(errName(h)));
      return;
    }
    this.h = h;
    (h as TcpHandle & { [CONN]?: Conn })[CONN] = this;
    pool.all.add(this);
    pool.sweepSoon();
  }

  write(head: string): void {
    if (this.closed) return;
    const r = writeRawString(this.h, head, noop, this);
    if (r < 0) this.fail(errName(r));
  }

  pause(): void { if (!this.paused && !this.closed) { this.paused = true; this.h.readStop(); } }
  resume(): void { if (this.paused && !this.closed) { this.paused = false; this.h.readStart(); } }

  // close drops the connection without telling its exchange.
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.forget(this);
    this.h.close(noop);
  }

  // fail closes the connection and tells the exchange in flight, if any.
  fail(code: string): void {
    const x = this.x;
    this.x = undefined;
    this.close();
    if (x) x.connectionLost(this, code);
  }

  lost(code: string): void {
    const x = this.x;
    this.x = undefined;
    if (x) x.connectionLost(this, code);
  }
}

function errName(errno: number): string {
  try { return getSystemErrorName(errno); } catch { return 'EIO'; }
}

function connOf(h: TcpHandle): Conn | undefined { return (h as TcpHandle & { [CONN]?: Conn })[CONN]; }

function onConnConnect(this: ConnectRequest, status: number): void {
  const c = this.owner as Conn;
  if (c.closed) return;
  if (status !== 0) { c.fail(errName(status)); return; }
  c.connected = true;
  c.since = clock = Date.now();
  c.h.setNoDelay(true);
  c.h.useUserBuffer(READ_BUFFER);
  c.h.onread = onConnRead;
  c.h.readStart();
}

// onConnRead is the handle's onread: the byte count (or an errno, UV_EOF at the end) is in lastRead().
function onConnRead(this: TcpHandle): undefined {
  const c = connOf(this);
  if (!c || c.closed) return undefined;
  const n = lastRead();
  if (n > 0) {
    if (!c.x) { c.close(); return undefined; }            // bytes outside a response: unusable
    c.since = clock;
    if (!c.parser.execute(READ_BUFFER, n)) c.close();   // the parser told the exchange (onError)
    return undefined;
  }
  if (n === UV_EOF) {
    // an exchange that received nothing yet retries (a kept-alive connection the backend closed as we
    // sent); otherwise the end completes a close-delimited body or fails a partial response
    if (!c.parser.waiting) c.parser.eof();
    c.close();
    c.lost('ECONNRESET');
  } else if (n < 0) c.fail(errName(n));
  return undefined;
}

function noop(): void {}

// ConnPool keeps idle backend connections per endpoint, most recently used first, and sweeps every
// connection for the timeouts: connect (the exchange's proxy-connect-timeout), read (proxy-read-timeout:
// no byte from the backend for that long while a request is in flight) and idle (IDLE_TIMEOUT_MS).
export class ConnPool {
  readonly #idle = new Map<string, Conn[]>();
  readonly all = new Set<Conn>();
  #timer: NodeJS.Timeout | undefined = undefined;

  acquire(e: Endpoint, now: number): Conn {
    const stack = this.#idle.get(e.key);
    const c = stack?.pop();
    return c ?? new Conn(this, e, now);
  }

  release(c: Conn): void {
    c.x = undefined;
    if (c.closed) return;
    let stack = this.#idle.get(c.key);
    if (!stack) { stack = []; this.#idle.set(c.key, stack); }
    if (stack.length >= MAX_IDLE_PER_ENDPOINT) { c.close(); return; }
    c.since = clock;
    stack.push(c);
  }

  forget(c: Conn): void {
    this.all.delete(c);
    const stack = this.#idle.get(c.key);
    if (!stack) return;
    const i = stack.lastIndexOf(c);
    if (i >= 0) stack.splice(i, 1);
  }

  sweepSoon(): void {
    if (this.#timer === undefined && this.all.size > 0) this.#timer = setTimeout(sweep, SWEEP_MS, this).unref();
  }

  sweep(): void {
    this.#timer = undefined;
    const now = clock = Date.now();
    for (const c of this.all) {
      const x = c.x;
      if (!x) { if (now - c.since > IDLE_TIMEOUT_MS) c.close(); continue; }
      if (!c.connected) { if (now - c.since >= x.config.connectTimeoutMs) c.fail('ECONNECT_TIMEOUT'); continue; }
      // since may be a sweep old (clock): the timeout fires between timeoutMs and timeoutMs + 2 sweeps
      if (c.timeoutMs > 0 && !c.paused && now - c.since >= c.timeoutMs + SWEEP_MS) c.fail('ETIMEDOUT');
    }
    this.sweepSoon();
  }

  close(): void {
    for (const c of [...this.all]) c.fail('ECONNRESET');
    this.#idle.clear();
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
  }
}

function sweep(p: ConnPool): void { p.sweep(); }

// FastExchange is one request on the fast path; it is the parser's sink while the response streams.
export class FastExchange implements ResponseSink {
  readonly res: ClientResponse;
  readonly upstream: Upstream;
  readonly config: RouteAnnotations;
  readonly head: string;
  readonly noBody: boolean;
  readonly pool: ConnPool;
  readonly now: () => number;
  endpoint: Endpoint;
  extraResponse: Record<string, string> | undefined = undefined;
  setCookie: string | undefined = undefined;
  onDone: (() => void)[] | undefined = undefined;
  conn: Conn | undefined = undefined;
  tried: Endpoint[] | undefined = undefined;
  tries = 0;
  started = 0;
  finished = false;
  headSent = false;
  idempotent: boolean;

  constructor(res: ClientResponse, upstream: Upstream, endpoint: Endpoint, config: RouteAnnotations, head: string, method: string, pool: ConnPool, now: () => number) {
    this.res = res; this.upstream = upstream; this.endpoint = endpoint; this.config = config; this.head = head;
    this.noBody = method === 'HEAD'; this.pool = pool; this.now = now;
    this.idempotent = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  }

  start(): void {
    (this.res as ClientResponse & { [EXCHANGE]?: FastExchange })[EXCHANGE] = this;
    this.res.on('close', onClientClose);
    this.started = this.now();
    this.#send(this.pool.acquire(this.endpoint, this.started));
  }

  #send(c: Conn): void {
    this.tries++;
    this.conn = c;
    c.x = this;
    c.used = true;
    this.endpoint.stats.inflight++;
    c.parser.start(this, this.noBody);
    c.timeoutMs = this.config.readTimeoutMs;
    if (this.tries > 1) this.started = this.now();
    if (c.connected) c.since = this.started;
    c.write(this.head);
  }

  onHead(status: number, lines: string, flags: number, _keepAlive: boolean): void {
    // response times feed the EWMA balancer; routes that balance otherwise skip the clock and the math
    if (this.config.loadBalance === 'ewma') { const now = this.now(); recordLatency(this.endpoint, now - this.started, now); }
    const res = this.res;
    if (res.destroyed) return;
    const extra = this.extraResponse;
    if (extra) for (const k in extra) lines += k.toLowerCase() + ': ' + extra[k] + '\r\n';
    if (this.setCookie) lines += 'set-cookie: ' + this.setCookie + '\r\n';
    this.headSent = true;
    if (res.writeLines) res.writeLines(status, lines, extra ? flags | linesFlags(extra) : flags);
    else res.writeHead(status, headerList(lines));
  }

  onBody(chunk: string): void {
    const res = this.res;
    if (res.destroyed) return;
    if (!res.write(chunk, 'latin1')) {
      const c = this.conn;
      if (c) { c.pause(); res.once('drain', () => { if (c.x === this) c.resume(); }); }
    }
  }

  onEnd(keepAlive: boolean): void {
    const c = this.conn;
    this.conn = undefined;
    this.#finish();
    if (!this.res.destroyed) this.res.end();
    if (!c) return;
    if (keepAlive && !c.closed) { c.resume(); this.pool.release(c); } else { c.x = undefined; c.close(); }
  }

  onError(_message: string): void {
    const c = this.conn;
    this.conn = undefined;
    if (c) { c.x = undefined; c.close(); }
    this.#finish();
    if (this.headSent) this.res.destroy(); else sendError(this.res, 502);
  }

  // connectionLost: the backend connection failed; retry when nothing reached the client yet.
  connectionLost(c: Conn, code: string): void {
    if (this.finished || this.conn !== c) return;
    this.conn = undefined;
    this.endpoint.stats.inflight--;
    if (this.headSent || this.res.destroyed) { this.#finish(true); this.res.destroy(); return; }
    const neverConnected = !c.connected;
    if (neverConnected && (code === 'ECONNREFUSED' || code === 'ECONNECT_TIMEOUT' || code === 'EHOSTUNREACH')) this.endpoint.stats.failedUntil = this.now() + PARK_MS;
    // A reused connection closed under us before any answer: the backend timed it out; try a fresh one.
    if (!neverConnected && c.used && this.idempotent && code !== 'ETIMEDOUT' && this.tries <= this.config.nextUpstream.tries) {
      this.#send(new Conn(this.pool, this.endpoint, this.now()));
      return;
    }
    const kind = code === 'ETIMEDOUT' || code === 'ECONNECT_TIMEOUT' ? 'timeout' : 'error';
    const nu = this.config.nextUpstream;
    if (this.tries < nu.tries && nu.on.includes(kind) && (neverConnected || this.idempotent)) {
      (this.tried ??= []).push(this.endpoint);
      const next = pickNext(this.upstream, this.tried, this.now());
      if (next) { this.endpoint = next; this.#send(this.pool.acquire(next, this.now())); return; }
    }
    this.#finish(true);
    sendError(this.res, kind === 'timeout' ? 504 : 502);
  }

  #finish(inflightDone = false): void {
    if (this.finished) return;
    this.finished = true;
    if (!inflightDone) this.endpoint.stats.inflight--;
    if (this.onDone) for (const f of this.onDone) f();
  }

  abort(): void {
    const c = this.conn;
    this.conn = undefined;
    if (c) { c.x = undefined; c.close(); }
    this.#finish();
  }
}

function onClientClose(this: ClientResponse & { [EXCHANGE]?: FastExchange }): void {
  const x = this[EXCHANGE];
  if (x && !x.finished) x.abort();
}

// headerList turns "Name: value\r\n" lines into the flat [name, value, …] list ServerResponse.writeHead takes.
function headerList(lines: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const e = lines.indexOf('\r\n', i);
    const c = lines.indexOf(': ', i);
    out.push(lines.slice(i, c), lines.slice(c + 2, e));
    i = e + 2;
  }
  return out;
}

// linesFlags: the flags the middlewares' response headers add (a Date or Content-Length of theirs).
function linesFlags(extra: Record<string, string>): number {
  let f = 0;
  for (const k in extra) {
    const l = k.toLowerCase();
    if (l === 'date') f |= HAS_DATE; else if (l === 'content-length') f |= HAS_LENGTH;
  }
  return f;
}
