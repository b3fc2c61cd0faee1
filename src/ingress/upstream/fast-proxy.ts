// FastForwarder is the HTTP/1.1 fast path for body-less requests from HTTP/1.1 clients to plain-HTTP
// backends (the common case): backend connections are raw sockets kept in a per-endpoint idle stack,
// the request head is written as one string, and H1ResponseParser streams the answer into the
// client's response. It skips http.ClientRequest, IncomingMessage and the Agent, which cost more than
// the proxying itself. A connect failure retries the next endpoint (proxy-next-upstream); a reused
// connection the backend closed before answering is retried once on a fresh one.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RouteAnnotations } from '../contract.ts';
import { pickNext, recordLatency } from './balancer.ts';
import { H1ResponseParser } from './h1-response-parser.ts';
import type { ResponseSink } from './h1-response-parser.ts';
import { sendError } from './http-proxy.ts';
import type { Endpoint, Upstream } from './upstream.ts';

// ClientResponse is what FastExchange needs of the client's response: an http.ServerResponse, or the
// plain-HTTP fast path's FastResponse (downstream/fast-response.ts).
export interface ClientResponse {
  readonly destroyed: boolean;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly copiesChunks?: boolean;           // write() never keeps a reference to its chunk
  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): unknown;
  write(chunk: Buffer): boolean;
  end(body?: string): unknown;
  destroy(): unknown;
  on(event: 'close', f: () => void): unknown;
  once(event: 'drain', f: () => void): unknown;
}

const MAX_IDLE_PER_ENDPOINT = 256;
// READ_BUFFER receives every backend read (net's onread): the parser consumes it synchronously, so the
// reads skip the Readable stream machinery and allocate nothing; whatever outlives the callback is copied
// (the parser's partial lines, FastExchange.onBody's chunks for a ServerResponse).
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const PARK_MS = 1_000;
const X = Symbol('fastExchange');

class Conn {
  readonly socket: Socket;
  readonly parser = new H1ResponseParser();
  readonly key: string;
  readonly pool: ConnPool;
  x: FastExchange | undefined;
  connected = false;
  used = false;
  timeoutMs = 0;

  constructor(pool: ConnPool, e: Endpoint) {
    this.pool = pool;
    this.key = e.key;
    this.socket = connect({ host: e.address, port: e.port, noDelay: true, onread: { buffer: READ_BUFFER, callback: onConnRead } });
    (this.socket as Socket & { [X]?: Conn })[X] = this;
    this.socket.on('connect', onConnConnect);
    this.socket.on('end', onConnEnd);
    this.socket.on('close', onConnClose);
    this.socket.on('error', onConnError);
    this.socket.on('timeout', onConnTimeout);
  }
}

function connOf(s: Socket): Conn | undefined { return (s as Socket & { [X]?: Conn })[X]; }

function onConnConnect(this: Socket): void {
  const c = connOf(this);
  if (!c) return;
  c.connected = true;
  const x = c.x;
  if (x) { clearTimeout(x.connectTimer); x.connectTimer = undefined; }
}

// onConnRead is net's onread callback (this is the socket); returning true keeps reading.
function onConnRead(this: Socket, n: number, buf: Uint8Array): boolean {
  const c = connOf(this);
  if (c && (!c.x || !c.parser.execute(buf as Buffer, n))) this.destroy();
  return true;
}

function onConnEnd(this: Socket): void { connOf(this)?.parser.eof(); }

function onConnClose(this: Socket): void {
  const c = connOf(this);
  if (!c) return;
  c.pool.forget(c);
  const x = c.x;
  if (x) { c.x = undefined; x.connectionLost(c, 'ECONNRESET'); }
}

function onConnError(this: Socket, err: NodeJS.ErrnoException): void {
  const c = connOf(this);
  if (!c) return;
  const x = c.x;
  c.pool.forget(c);
  if (x) { c.x = undefined; x.connectionLost(c, err.code ?? 'EIO'); }
}

function onConnTimeout(this: Socket): void {
  const c = connOf(this);
  if (!c) return;
  const x = c.x;
  c.x = undefined;
  c.pool.forget(c);
  this.destroy();
  if (x) x.connectionLost(c, 'ETIMEDOUT');
}

// ConnPool keeps idle backend connections per endpoint, most recently used first.
export class ConnPool {
  readonly #idle = new Map<string, Conn[]>();

  acquire(e: Endpoint): Conn {
    const stack = this.#idle.get(e.key);
    const c = stack?.pop();
    return c ?? new Conn(this, e);
  }

  release(c: Conn): void {
    c.x = undefined;
    let stack = this.#idle.get(c.key);
    if (!stack) { stack = []; this.#idle.set(c.key, stack); }
    if (stack.length >= MAX_IDLE_PER_ENDPOINT) { c.socket.destroy(); return; }
    stack.push(c);
  }

  forget(c: Conn): void {
    const stack = this.#idle.get(c.key);
    if (!stack) return;
    const i = stack.indexOf(c);
    if (i >= 0) stack.splice(i, 1);
  }

  close(): void {
    for (const stack of this.#idle.values()) for (const c of stack) c.socket.destroy();
    this.#idle.clear();
  }
}

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
  connectTimer: NodeJS.Timeout | undefined = undefined;
  tried: Endpoint[] | undefined = undefined;
  tries = 0;
  started = 0;
  finished = false;
  headSent = false;
  idempotent: boolean;

  constructor(o: { res: ClientResponse; upstream: Upstream; endpoint: Endpoint; config: RouteAnnotations; head: string; method: string; pool: ConnPool; now: () => number }) {
    this.res = o.res; this.upstream = o.upstream; this.endpoint = o.endpoint; this.config = o.config; this.head = o.head;
    this.noBody = o.method === 'HEAD'; this.pool = o.pool; this.now = o.now;
    this.idempotent = o.method === 'GET' || o.method === 'HEAD' || o.method === 'OPTIONS';
  }

  start(): void {
    (this.res as ClientResponse & { [X]?: FastExchange })[X] = this;
    this.res.on('close', onClientClose);
    this.#send(this.pool.acquire(this.endpoint));
  }

  #send(c: Conn): void {
    this.tries++;
    this.conn = c;
    c.x = this;
    c.used = true;
    this.started = this.now();
    this.endpoint.stats.inflight++;
    c.parser.start(this, this.noBody);
    const t = this.config.readTimeoutMs;
    if (c.timeoutMs !== t) { c.socket.setTimeout(t); c.timeoutMs = t; }
    if (!c.connected) this.connectTimer = setTimeout(onConnectTimeout, this.config.connectTimeoutMs, this);
    c.socket.write(this.head, 'latin1');
  }

  onHead(status: number, headers: string[], _keepAlive: boolean): void {
    const now = this.now();
    recordLatency(this.endpoint, now - this.started, now);
    const res = this.res;
    if (res.destroyed) return;
    const extra = this.extraResponse;
    if (extra) for (const k in extra) headers.push(k.toLowerCase(), extra[k] as string);
    if (this.setCookie) headers.push('set-cookie', this.setCookie);
    this.headSent = true;
    res.writeHead(status, headers);
  }

  onBody(chunk: Buffer): void {
    const res = this.res;
    if (res.destroyed) return;
    if (!res.write(res.copiesChunks ? chunk : Buffer.from(chunk))) {
      const s = this.conn?.socket;
      if (s) { s.pause(); res.once('drain', () => s.resume()); }
    }
  }

  onEnd(keepAlive: boolean): void {
    const c = this.conn;
    this.conn = undefined;
    this.#finish();
    if (!this.res.destroyed) this.res.end();
    if (c) { if (keepAlive && !c.socket.destroyed) this.pool.release(c); else { c.x = undefined; c.socket.destroy(); } }
  }

  onError(_message: string): void {
    const c = this.conn;
    this.conn = undefined;
    if (c) { c.x = undefined; c.socket.destroy(); }
    this.#finish();
    if (this.headSent) this.res.destroy(); else sendError(this.res, 502);
  }

  // connectionLost: the backend connection failed; retry when nothing reached the client yet.
  connectionLost(c: Conn, code: string): void {
    if (this.finished || this.conn !== c) return;
    this.conn = undefined;
    clearTimeout(this.connectTimer);
    this.endpoint.stats.inflight--;
    if (this.headSent || this.res.destroyed) { this.#finish(true); this.res.destroy(); return; }
    const neverConnected = !c.connected;
    if (neverConnected && (code === 'ECONNREFUSED' || code === 'ECONNECT_TIMEOUT' || code === 'EHOSTUNREACH')) this.endpoint.stats.failedUntil = this.now() + PARK_MS;
    // A reused connection closed under us before any answer: the backend timed it out; try a fresh one.
    if (!neverConnected && c.used && this.idempotent && code !== 'ETIMEDOUT' && this.tries <= this.config.nextUpstream.tries) {
      this.#send(new Conn(this.pool, this.endpoint));
      return;
    }
    const kind = code === 'ETIMEDOUT' || code === 'ECONNECT_TIMEOUT' ? 'timeout' : 'error';
    const nu = this.config.nextUpstream;
    if (this.tries < nu.tries && nu.on.includes(kind) && (neverConnected || this.idempotent)) {
      (this.tried ??= []).push(this.endpoint);
      const next = pickNext(this.upstream, this.tried, this.now());
      if (next) { this.endpoint = next; this.#send(this.pool.acquire(next)); return; }
    }
    this.#finish(true);
    sendError(this.res, kind === 'timeout' ? 504 : 502);
  }

  #finish(inflightDone = false): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.connectTimer);
    if (!inflightDone) this.endpoint.stats.inflight--;
    if (this.onDone) for (const f of this.onDone) f();
  }

  abort(): void {
    const c = this.conn;
    this.conn = undefined;
    if (c) { c.x = undefined; c.socket.destroy(); }
    this.#finish();
  }
}

function onConnectTimeout(x: FastExchange): void {
  const c = x.conn;
  if (!c) return;
  c.x = undefined;
  c.socket.destroy();
  x.connectionLost(c, 'ECONNECT_TIMEOUT');
}

function onClientClose(this: ClientResponse & { [X]?: FastExchange }): void {
  const x = this[X];
  if (x && !x.finished) x.abort();
}
