// IngressHandler is the per-request path: match the route in the current RouteTable, run the route's
// middlewares (the ssl-redirect middleware sends plain HTTP to HTTPS), pick upstream and endpoint, forward.
// It reads `table` once per request, so a swap mid-request changes nothing for that request.
import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CONTINUE } from './contract.ts';
import type { Middleware, RequestContext, RouteAnnotations } from './contract.ts';
import type { Route, RouteTable } from './types.ts';
import { forwardGrpc } from './upstream/grpc.ts';
import { ConnPool, FastExchange, fastProxyAvailable } from './upstream/fast-proxy.ts';
import type { ClientResponse } from './upstream/fast-proxy.ts';
import type { FastResponse } from './downstream/fast-response.ts';
import type { RequestHead } from './downstream/request-head.ts';
import { clientAddress, forwardLinesOf, hostOf, requestHead, requestId, requestIdLine, upstreamHeaderList, upstreamHeaders } from './upstream/headers.ts';
import type { ClientHeads } from './upstream/headers.ts';
import { Exchange, HttpForwarder, sendError } from './upstream/http-proxy.ts';
import type { DownReq, DownRes } from './upstream/http-proxy.ts';
import type { Pools } from './upstream/pools.ts';
import { cookiePath, pickEndpoint, routeUpstream, upstreamFor } from './upstream/select.ts';
import type { Picked, RequestFacts } from './upstream/select.ts';
import { forwardUpgrade } from './upstream/websocket.ts';

export interface Listener { scheme: 'http' | 'https'; port: number }

const noop = () => {};
const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;
// NO_FACTS stands for the request when the route's selection reads none of it (round robin, EWMA)
const NO_FACTS: RequestFacts = Object.freeze({ method: '', scheme: '', host: '', path: '', query: '', headers: NO_HEADERS, clientIP: '' });

export class IngressHandler {
  table: RouteTable;
  httpsPort = 0;                       // set by the server once listening; the controller passes it to ssl-redirect
  readonly #pools: Pools;
  readonly #conns = new ConnPool();
  readonly #forwarder: HttpForwarder;
  readonly #now: () => number;
  readonly #match = { exec: null as RegExpExecArray | null };
  readonly #picked: Picked = { endpoint: undefined, setCookie: undefined };

  constructor(o: { table: RouteTable; pools: Pools; now?: () => number }) {
    this.table = o.table;
    this.#pools = o.pools;
    this.#now = o.now ?? Date.now;
    this.#forwarder = new HttpForwarder({ pools: o.pools, now: this.#now });
  }

  handle(req: DownReq, res: DownRes, l: Listener): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q);
    const rawHost = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
    const host = hostOf(rawHost);
    const route = this.table.router.match(host, path, this.#match);
    if (!route) { sendError(res, 404); return; }
    const exec = this.#match.exec;
    const cfg = route.config;
    const clientIP = clientAddress(req.socket?.remoteAddress);
    const facts: RequestFacts = { method: req.method ?? 'GET', scheme: l.scheme, host, path, query, headers: req.headers, clientIP };
    // The chain holds only the middlewares that may act on this scheme (ssl-redirect included), so a
    // route with the default annotations allocates no RequestContext.
    const chain = l.scheme === 'http' ? route.httpChain : route.httpsChain;
    let ctx: RequestContext | undefined;
    if (chain.length > 0) {
      ctx = context(facts, route, exec);
      if (this.#runMiddlewares(chain, ctx, res)) return;
    }
    if (cfg.proxyBodySize && cfg.proxyBodySize > 0) {
      const cl = Number(req.headers['content-length'] ?? 0);
      if (cl > cfg.proxyBodySize) { sendError(res, 413, ctx?.responseHeaders); return; }
    }
    const { upstream, config } = routeUpstream(route, req.headers);
    if (!upstream || upstream.endpoints.length === 0) { sendError(res, 503, ctx?.responseHeaders); if (ctx) runDone(ctx); return; }
    const picked = this.#picked;
    if (config.affinity) pickEndpoint(upstream, config, facts, this.#now(), picked, cookiePath(route));
    else pickEndpoint(upstream, config, facts, this.#now(), picked);
    const endpoint = picked.endpoint;
    if (!endpoint) { sendError(res, 503, ctx?.responseHeaders); if (ctx) runDone(ctx); return; }
    const fwd = { clientIP, scheme: l.scheme, host: rawHost, port: l.port, requestId: requestId(req.headers) };
    const upstreamPath = ctx ? ctx.upstreamPath : url;
    if (upstream.protocol === 'HTTP' && fastProxyAvailable && isFastPath(req)) {
      const method = req.method ?? 'GET';
      const head = requestHead(method, upstreamPath, forwardLinesOf((req as IncomingMessage).rawHeaders, ctx?.upstreamHeaders), fwd, ctx?.upstreamHeaders);
      const fx = new FastExchange(res as unknown as ClientResponse, upstream, endpoint, config, head, method, this.#conns, this.#now);
      fx.setCookie = picked.setCookie;
      if (ctx) {
        if (hasKeys(ctx.responseHeaders)) fx.extraResponse = ctx.responseHeaders;
        if (ctx.onDone.length > 0) fx.onDone = ctx.onDone;
      }
      fx.start();
      return;
    }
    const extra = ctx?.upstreamHeaders;
    if (upstream.protocol === 'GRPC' || upstream.protocol === 'GRPCS') {
      forwardGrpc(this.#pools, upstream, endpoint, req, res, upstreamPath, upstreamHeaders(req.headers, fwd, extra), config.readTimeoutMs, ctx ? () => runDone(ctx) : noop);
      return;
    }
    const headers = req.httpVersionMajor === 1 ? upstreamHeaderList((req as IncomingMessage).rawHeaders, fwd, extra) : upstreamHeaders(req.headers, fwd, extra);
    const x = new Exchange(this.#forwarder, req, res, upstream, endpoint, config, upstreamPath, headers);
    x.setCookie = picked.setCookie;
    // A body without Content-Length (chunked, HTTP/2) is counted while it streams.
    if (cfg.proxyBodySize && cfg.proxyBodySize > 0 && req.headers['content-length'] === undefined) x.bodyLimit = cfg.proxyBodySize;
    if (ctx) {
      if (hasKeys(ctx.responseHeaders)) x.extraResponse = ctx.responseHeaders;
      if (ctx.onDone.length > 0) x.onDone = ctx.onDone;
    }
    this.#forwarder.forward(x);
  }

  // handleFast serves a request read by the plain-HTTP fast path (downstream/fast-http.ts): the head is
  // HTTP/1.1 without a body. It returns false, before anything is sent, when the request needs
  // node:http's objects (a middleware chain, a backend that is not plain HTTP); the connection then
  // goes to node:http, which serves this request through handle().
  // peer is the client connection's ClientHeads (its address, and the heads its requests send upstream).
  handleFast(req: RequestHead, peer: ClientHeads, res: FastResponse, l: Listener): boolean {
    const url = req.url;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const host = peer.host(req.host);
    const route = this.table.router.match(host, path, this.#match);
    if (!route) { sendError(res, 404); return true; }
    if ((l.scheme === 'http' ? route.httpChain : route.httpsChain).length > 0) return false;
    // the headers object is made only for what reads it: a canary, affinity, upstream-hash-by
    const upstream = upstreamFor(route, route.canary ? req.headers : NO_HEADERS);
    const config = route.config;
    if (!upstream || upstream.endpoints.length === 0) { sendError(res, 503); return true; }
    if (upstream.protocol !== 'HTTP') return false;
    const facts: RequestFacts = config.affinity || config.upstreamHashBy
      ? { method: req.method, scheme: l.scheme, host, path, query: q < 0 ? '' : url.slice(q), headers: req.headers, clientIP: peer.clientIP }
      : NO_FACTS;
    const picked = this.#picked;
    if (config.affinity) pickEndpoint(upstream, config, facts, this.#now(), picked, cookiePath(route));
    else pickEndpoint(upstream, config, facts, this.#now(), picked);
    const endpoint = picked.endpoint;
    if (!endpoint) { sendError(res, 503); return true; }
    const head = peer.head(req.requestLine, req.host, req.forwardLines, requestIdLine(req.requestId));
    const fx = new FastExchange(res, upstream, endpoint, config, head, req.method, this.#conns, this.#now);
    fx.setCookie = picked.setCookie;
    fx.start();
    return true;
  }

  close(): void { this.#conns.close(); }

  // upgrade handles an HTTP/1.1 Upgrade request (WebSocket) on either listener.
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, l: Listener): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawHost = req.headers.host ?? '';
    const host = hostOf(rawHost);
    const route = this.table.router.match(host, path, this.#match);
    const refuse = (status: number) => { socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`); };
    if (!route) { refuse(404); return; }
    const clientIP = clientAddress(socket.remoteAddress);
    const facts: RequestFacts = { method: req.method ?? 'GET', scheme: l.scheme, host, path, query: q < 0 ? '' : url.slice(q), headers: req.headers, clientIP };
    let ctx: RequestContext | undefined;
    const chain = l.scheme === 'http' ? route.httpChain : route.httpsChain;
    if (chain.length > 0) {
      ctx = context(facts, route, this.#match.exec);
      if (runChain(chain, ctx) && ctx.respond) {
        const r = ctx.respond;
        let extra = '';
        const h = { ...ctx.responseHeaders, ...(r.headers ?? {}) };
        for (const k in h) extra += `${k}: ${h[k]}\r\n`;
        socket.end(`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\n${extra}content-length: ${Buffer.byteLength(r.body ?? '')}\r\nconnection: close\r\n\r\n${r.body ?? ''}`);
        runDone(ctx);
        return;
      }
    }
    const { upstream, config } = routeUpstream(route, req.headers);
    const picked = this.#picked;
    if (upstream) pickEndpoint(upstream, config, facts, this.#now(), picked, cookiePath(route));
    if (!upstream || !picked.endpoint) { refuse(503); if (ctx) runDone(ctx); return; }
    const fwd = { clientIP, scheme: l.scheme, host: rawHost, port: l.port, requestId: requestId(req.headers) };
    const headers = upstreamHeaders(req.headers, fwd, ctx?.upstreamHeaders);
    forwardUpgrade(upstream, picked.endpoint, req, socket, head, ctx ? ctx.upstreamPath : url, headers, config.connectTimeoutMs, ctx ? () => runDone(ctx) : noop);
  }

  // #runMiddlewares returns true when a middleware answered the request.
  #runMiddlewares(chain: readonly Middleware[], ctx: RequestContext, res: DownRes): boolean {
    if (!runChain(chain, ctx)) return false;
    const r = ctx.respond;
    if (!r) { sendError(res, 500); runDone(ctx); return true; }
    const body = r.body ?? '';
    const h: Record<string, string | number> = { ...ctx.responseHeaders, ...(r.headers ?? {}) };
    if (!('content-length' in lower(h))) h['content-length'] = Buffer.byteLength(body);
    (res as import('node:http').ServerResponse).writeHead(r.status, h);
    res.end(body);
    runDone(ctx);
    return true;
  }
}

// isFastPath: an HTTP/1.x request without a body (the FastForwarder's case).
function isFastPath(req: DownReq): boolean {
  if ((req as IncomingMessage).httpVersionMajor !== 1) return false;
  const h = req.headers;
  const cl = h['content-length'];
  return (cl === undefined || cl === '0') && h['transfer-encoding'] === undefined && req.method !== 'CONNECT';
}

// runChain runs the route's middlewares; true when one answered (DONE).
function runChain(mws: readonly Middleware[], ctx: RequestContext): boolean {
  for (let i = 0; i < mws.length; i++) {
    const m = mws[i];
    if (m && m.handle(ctx) !== CONTINUE) return true;
  }
  return false;
}

function context(f: RequestFacts, route: Route, exec: RegExpExecArray | null): RequestContext {
  return {
    method: f.method, scheme: f.scheme as 'http' | 'https', host: f.host, path: f.path, query: f.query, headers: f.headers,
    clientIP: f.clientIP, hostHasTLS: route.hostHasTLS, match: exec, upstreamPath: f.path + f.query,
    upstreamHeaders: {}, responseHeaders: {}, onDone: [],
  };
}

function runDone(ctx: RequestContext): void {
  for (const f of ctx.onDone.splice(0)) { try { f(); } catch { /* a middleware's cleanup must not break the proxy */ } }
}

function hasKeys(o: Record<string, string>): boolean {
  for (const _ in o) return true;
  return false;
}

function lower(h: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k in h) o[k.toLowerCase()] = h[k];
  return o;
}

export type { RouteAnnotations };
