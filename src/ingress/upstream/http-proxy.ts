// HttpForwarder sends one request to a backend over a pooled keep-alive connection and streams the
// answer back. A connection failure before any request byte left retries the next endpoint
// (proxy-next-upstream); timeouts answer 504, other failures 502. Listeners are module-level functions
// that find their Exchange on the emitter, so the per-request path allocates no closures.
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { RouteAnnotations } from '../contract.ts';
import { pickNext, recordLatency } from './balancer.ts';
import { responseHeaders } from './headers.ts';
import type { Pools } from './pools.ts';
import type { Endpoint, Upstream } from './upstream.ts';

export type DownReq = IncomingMessage | Http2ServerRequest;
export type DownRes = ServerResponse | Http2ServerResponse;

const X = Symbol('exchange');
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNECT_TIMEOUT']);
const PARK_MS = 1_000;   // a refused endpoint is skipped by the balancers this long

type Tagged<T> = T & { [X]?: Exchange };

// Exchange is one proxied request's state.
export class Exchange {
  req: DownReq;
  res: DownRes;
  upstream: Upstream;
  endpoint: Endpoint;
  config: RouteAnnotations;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders | string[];   // a flat [name, value, …] list for HTTP/1.x clients
  extraResponse: Record<string, string> | undefined;
  setCookie: string | undefined;
  hasBody: boolean;
  tried: Endpoint[] | undefined;
  tries = 0;
  bodyStarted = false;
  responded = false;
  finished = false;
  started = 0;
  preq: ClientRequest | undefined;
  connectTimer: NodeJS.Timeout | undefined;
  sendTimer: NodeJS.Timeout | undefined;    // proxy-send-timeout: runs while the backend accepts no body byte
  bodyLimit = 0;                            // proxy-body-size for bodies without Content-Length (chunked, HTTP/2); 0 = none
  bodyBytes = 0;
  forwarder: HttpForwarder;
  onDone: (() => void)[] | undefined;

  constructor(f: HttpForwarder, req: DownReq, res: DownRes, up: Upstream, e: Endpoint, cfg: RouteAnnotations, path: string, headers: OutgoingHttpHeaders | string[]) {
    this.forwarder = f; this.req = req; this.res = res; this.upstream = up; this.endpoint = e; this.config = cfg;
    this.method = req.method ?? 'GET'; this.path = path; this.headers = headers;
    this.extraResponse = undefined; this.setCookie = undefined;
    this.tried = undefined; this.preq = undefined; this.connectTimer = undefined; this.sendTimer = undefined; this.onDone = undefined;
    const cl = req.headers['content-length'];
    // HTTP/2 requests need no Content-Length: a body follows unless the HEADERS frame ended the stream.
    const h2 = (req as Http2ServerRequest).stream;
    this.hasBody = h2 ? !h2.endAfterHeaders : (cl !== undefined && cl !== '0') || req.headers['transfer-encoding'] !== undefined;
  }
}

export class HttpForwarder {
  readonly pools: Pools;
  readonly now: () => number;

  constructor(o: { pools: Pools; now?: () => number }) {
    this.pools = o.pools;
    this.now = o.now ?? Date.now;
  }

  // forward starts the exchange; it owns the response from here on.
  forward(x: Exchange): void {
    (x.res as Tagged<DownRes>)[X] = x;
    x.res.on('close', onClientClose);
    this.#send(x);
  }

  #send(x: Exchange): void {
    const e = x.endpoint;
    const https = x.upstream.protocol === 'HTTPS';
    x.tries++;
    x.started = this.now();
    e.stats.inflight++;
    const opts = {
      host: e.address, port: e.port, method: x.method, path: x.path, headers: x.headers, setHost: false,
      agent: https ? this.pools.https : this.pools.http, timeout: x.config.readTimeoutMs,
      ...(https ? { servername: x.upstream.serverName || undefined, rejectUnauthorized: false } : {}),
    };
    const preq = (https ? httpsRequest : httpRequest)(opts) as Tagged<ClientRequest>;
    preq[X] = x;
    x.preq = preq;
    preq.on('response', onResponse);
    preq.on('error', onUpstreamError);
    preq.on('timeout', onTimeout);
    if (x.hasBody) preq.on('socket', onSocket);
    else preq.end();
  }

  // retry sends the exchange to another endpoint if proxy-next-upstream allows; false if it cannot.
  retry(x: Exchange, code: string): boolean {
    const nu = x.config.nextUpstream;
    const kind = code === 'ETIMEDOUT' || code === 'ECONNECT_TIMEOUT' ? 'timeout' : 'error';
    if (x.bodyStarted || x.tries >= nu.tries || !nu.on.includes(kind)) return false;
    (x.tried ??= []).push(x.endpoint);
    const next = pickNext(x.upstream, x.tried, this.now());
    if (!next) return false;
    x.endpoint = next;
    this.#send(x);
    return true;
  }

  done(x: Exchange): void {
    if (x.finished) return;
    x.finished = true;
    if (x.onDone) for (const f of x.onDone) f();
  }
}

function onSocket(this: Tagged<ClientRequest>, socket: Socket): void {
  const x = this[X];
  if (!x) return;
  if (!socket.connecting) { startBody(x); return; }
  (socket as Tagged<Socket>)[X] = x;
  x.connectTimer = setTimeout(onConnectTimeout, x.config.connectTimeoutMs, x);
  socket.once('connect', onConnect);
}

function onConnect(this: Tagged<Socket>): void {
  const x = this[X];
  if (!x) return;
  clearTimeout(x.connectTimer);
  startBody(x);
}

function onConnectTimeout(x: Exchange): void {
  const err = Object.assign(new Error('connect timeout'), { code: 'ECONNECT_TIMEOUT' });
  x.preq?.destroy(err);
}

// startBody streams the client's body once the backend connection is up (so a refused connection
// can still retry elsewhere: no byte has been consumed). It pumps by hand rather than pipe() to count
// bytes (proxy-body-size on bodies without Content-Length) and to time how long the backend accepts
// nothing (proxy-send-timeout: nginx's time between two successive writes).
function startBody(x: Exchange): void {
  const preq = x.preq;
  if (!preq) return;
  x.bodyStarted = true;
  const req = x.req as Tagged<DownReq>;
  req[X] = x;
  preq.on('drain', onUpstreamDrain);
  req.on('data', onBodyData);
  req.on('end', onBodyEnd);
}

function onBodyData(this: Tagged<DownReq>, chunk: Buffer): void {
  const x = this[X];
  const preq = x?.preq;
  // Even after the backend answered, the rest of the body is written (as pipe() would), so the
  // keep-alive connection's framing stays whole.
  if (!x || !preq || preq.destroyed) return;
  x.bodyBytes += chunk.length;
  if (x.bodyLimit > 0 && x.bodyBytes > x.bodyLimit) { bodyTooLarge(x, preq); return; }
  if (!preq.write(chunk)) {
    this.pause();
    if (x.sendTimer === undefined) x.sendTimer = setTimeout(onSendTimeout, x.config.sendTimeoutMs, x);
  }
}

function onUpstreamDrain(this: Tagged<ClientRequest>): void {
  const x = this[X];
  if (!x || this !== x.preq) return;
  clearTimeout(x.sendTimer);
  x.sendTimer = undefined;
  x.req.resume();
}

function onBodyEnd(this: Tagged<DownReq>): void {
  const x = this[X];
  if (x?.preq && !x.preq.destroyed) x.preq.end();
}

function onSendTimeout(x: Exchange): void {
  x.sendTimer = undefined;
  x.preq?.destroy(Object.assign(new Error('upstream send timed out'), { code: 'ETIMEDOUT' }));
}

// bodyTooLarge: ingress-nginx answers 413 to a body over proxy-body-size; once the backend has
// answered, the only thing left is to abort both sides.
function bodyTooLarge(x: Exchange, preq: ClientRequest): void {
  x.req.removeListener('data', onBodyData);
  if (x.responded) { finish(x); preq.destroy(); x.res.destroy(); return; }
  x.endpoint.stats.inflight--;
  x.forwarder.done(x);
  preq.destroy();
  sendError(x.res, 413, closeAfter(x.req));
}

// closeAfter asks an HTTP/1 server to close the connection after an answer that left the request
// body unread (HTTP/2 just ends the stream).
export function closeAfter(req: DownReq): Record<string, string> | undefined {
  return (req as IncomingMessage).httpVersionMajor === 1 ? { connection: 'close' } : undefined;
}

function onTimeout(this: Tagged<ClientRequest>): void {
  const err = Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' });
  this.destroy(err);
}

function onResponse(this: Tagged<ClientRequest>, pres: IncomingMessage): void {
  const x = this[X];
  if (!x) return;
  clearTimeout(x.connectTimer);
  x.responded = true;
  const e = x.endpoint;
  const now = x.forwarder.now();
  recordLatency(e, now - x.started, now);
  const res = x.res;
  if (res.headersSent || res.destroyed) { pres.destroy(); finish(x); return; }
  const h = responseHeaders(pres.headers, x.extraResponse);
  if (x.setCookie) h['set-cookie'] = appendCookie(h['set-cookie'], x.setCookie);
  (res as ServerResponse).writeHead(pres.statusCode ?? 502, h);
  (pres as Tagged<IncomingMessage>)[X] = x;
  pres.on('end', onUpstreamEnd);
  pres.on('error', onUpstreamBodyError);
  pres.pipe(res as NodeJS.WritableStream);
}

function appendCookie(had: OutgoingHttpHeaders[string], c: string): string[] {
  if (had === undefined) return [c];
  return Array.isArray(had) ? [...had, c] : [String(had), c];
}

function onUpstreamEnd(this: Tagged<IncomingMessage>): void {
  const x = this[X];
  if (x) finish(x);
}

function onUpstreamBodyError(this: Tagged<IncomingMessage>): void {
  const x = this[X];
  if (!x) return;
  finish(x);
  x.res.destroy();
}

function finish(x: Exchange): void {
  clearTimeout(x.sendTimer);
  if (x.finished) return;
  x.endpoint.stats.inflight--;
  x.forwarder.done(x);
}

function onUpstreamError(this: Tagged<ClientRequest>, err: NodeJS.ErrnoException): void {
  const x = this[X];
  if (!x || this !== x.preq || x.finished) return;
  clearTimeout(x.connectTimer);
  clearTimeout(x.sendTimer);
  if (x.responded) { finish(x); x.res.destroy(); return; }
  const e = x.endpoint;
  e.stats.inflight--;
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'ECONNECT_TIMEOUT' || code === 'EHOSTUNREACH') e.stats.failedUntil = x.forwarder.now() + PARK_MS;
  if (x.res.destroyed) { x.forwarder.done(x); return; }
  if (RETRYABLE.has(code) && x.forwarder.retry(x, code)) return;
  x.forwarder.done(x);
  x.finished = true;
  const timeout = code === 'ETIMEDOUT' || code === 'ECONNECT_TIMEOUT';
  sendError(x.res, timeout ? 504 : 502, x.bodyStarted && !x.req.readableEnded ? closeAfter(x.req) : undefined);
}

function onClientClose(this: Tagged<DownRes>): void {
  const x = this[X];
  if (!x) return;
  clearTimeout(x.sendTimer);
  if (!x.res.writableFinished && x.preq && !x.preq.destroyed) x.preq.destroy();
  if (!x.finished && !x.responded) { x.endpoint.stats.inflight--; x.forwarder.done(x); }
  else finish(x);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 413: 'Request Entity Too Large', 502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable', 504: 'Gateway Timeout',
};

// sendError answers with a small nginx-like page, unless the response already started.
export function sendError(res: DownRes | ErrorResponse, status: number, extra?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) { if (!res.writableEnded) res.destroy(); return; }
  const body = `<html><head><title>${status} ${REASONS[status] ?? ''}</title></head><body><center><h1>${status} ${REASONS[status] ?? ''}</h1></center><hr><center>portico</center></body></html>\n`;
  const h: OutgoingHttpHeaders = { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) };
  if (extra) for (const k in extra) h[k.toLowerCase()] = extra[k];
  (res as ErrorResponse).writeHead(status, h);
  (res as ErrorResponse).end(body);
}

// ErrorResponse is the part of a response sendError uses (the plain-HTTP fast path's FastResponse has it).
export interface ErrorResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(body: string): unknown;
  destroy(): unknown;
}
