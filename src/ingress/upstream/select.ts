// Selection of the upstream (main or canary, default-backend fallback) and of the endpoint within it
// (cookie affinity, upstream-hash-by, EWMA or round robin), as ingress-nginx's balancer does.
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteAnnotations } from '../contract.ts';
import type { Canary, Route } from '../types.ts';
import { pickEwma, pickHash, pickRoundRobin } from './balancer.ts';
import type { Endpoint, Upstream } from './upstream.ts';

// RequestFacts are the request properties selection may read.
export interface RequestFacts {
  method: string;
  scheme: string;
  host: string;
  path: string;
  query: string;       // '' or '?…'
  headers: IncomingHttpHeaders;
  clientIP: string;
}

// useCanary decides whether a request goes to the route's canary, in ingress-nginx's order:
// header (always/never, or an exact value), then cookie (always/never), then weight.
export function useCanary(c: Canary, h: IncomingHttpHeaders): boolean {
  if (c.byHeader) {
    const v = h[c.byHeader];
    if (typeof v === 'string') {
      if (c.byHeaderValue !== undefined) { if (v === c.byHeaderValue) return true; }
      else if (v === 'always') return true;
      else if (v === 'never') return false;
    }
  }
  if (c.byCookie) {
    const v = cookie(h['cookie'], c.byCookie);
    if (v === 'always') return true;
    if (v === 'never') return false;
  }
  return c.weight > 0 && Math.random() * 100 < c.weight;
}

// routeUpstream returns the upstream and config a request uses on a route.
export function routeUpstream(route: Route, h: IncomingHttpHeaders): { upstream: Upstream | undefined; config: RouteAnnotations } {
  return { upstream: upstreamFor(route, h), config: route.config };
}

// upstreamFor is the upstream a request uses on a route (the config is always the route's): the canary,
// the route's own, or the default-backend fallback when the route's has no endpoints.
export function upstreamFor(route: Route, h: IncomingHttpHeaders): Upstream | undefined {
  const c = route.canary;
  if (c && c.upstream && c.upstream.endpoints.length > 0 && useCanary(c, h)) return c.upstream;
  const up = route.upstream;
  if ((!up || up.endpoints.length === 0) && route.fallback) return route.fallback;
  return up;
}

// Picked is an endpoint plus the affinity cookie to set when the choice was new.
export interface Picked { endpoint: Endpoint | undefined; setCookie: string | undefined }

// pickEndpoint picks the endpoint; locationPath is the route's path, the affinity cookie's default Path
// (ingress-nginx sets session-cookie-path to the location's path unless told otherwise).
export function pickEndpoint(up: Upstream, cfg: RouteAnnotations, f: RequestFacts, now: number, out: Picked, locationPath = '/'): void {
  out.setCookie = undefined;
  const aff = cfg.affinity;
  if (aff) {
    const v = cookie(f.headers['cookie'], aff.cookieName);
    const pinned = v === undefined ? undefined : up.byCookie(aff.hash, v);
    if (pinned && pinned.stats.failedUntil <= now) { out.endpoint = pinned; return; }
    const e = pickRoundRobin(up, now);
    out.endpoint = e;
    if (e) out.setCookie = affinityCookie(aff, up.cookieFor(aff.hash, e), locationPath);
    return;
  }
  if (cfg.upstreamHashBy) { out.endpoint = pickHash(up, hashKey(cfg.upstreamHashBy, f)); return; }
  out.endpoint = cfg.loadBalance === 'ewma' ? pickEwma(up, now) : pickRoundRobin(up, now);
}

function affinityCookie(a: NonNullable<RouteAnnotations['affinity']>, value: string, locationPath: string): string {
  let s = `${a.cookieName}=${value}; Path=${a.path ?? locationPath}`;
  if (a.maxAge !== undefined) s += `; Max-Age=${a.maxAge}`;
  if (a.expires !== undefined) s += `; Expires=${new Date(Date.now() + a.expires * 1000).toUTCString()}`;
  return s + '; HttpOnly';
}

// cookie returns one cookie's value from a Cookie header.
export function cookie(header: string | string[] | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const s = Array.isArray(header) ? header.join('; ') : header;
  let i = 0;
  while (i < s.length) {
    while (s.charCodeAt(i) === 32) i++;
    const semi = s.indexOf(';', i);
    const end = semi < 0 ? s.length : semi;
    const eq = s.indexOf('=', i);
    if (eq > 0 && eq < end && s.slice(i, eq).trim() === name) return s.slice(eq + 1, end).trim();
    i = end + 1;
  }
  return undefined;
}

// hashKey evaluates an nginx variable expression ("$request_uri", "$http_x_user$remote_addr") once per request.
type Part = (f: RequestFacts) => string;
const compiled = new Map<string, Part[]>();

export function hashKey(expr: string, f: RequestFacts): string {
  let parts = compiled.get(expr);
  if (!parts) { parts = compileExpr(expr); compiled.set(expr, parts); }
  let s = '';
  for (const p of parts) s += p(f);
  return s;
}

function compileExpr(expr: string): Part[] {
  const parts: Part[] = [];
  const re = /\$([a-zA-Z0-9_]+)|([^$]+)/g;
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    const lit = m[2];
    if (lit !== undefined) { parts.push(() => lit); continue; }
    parts.push(variable(m[1] ?? ''));
  }
  return parts;
}

function variable(name: string): Part {
  switch (name) {
    case 'request_uri': return (f) => f.path + f.query;
    case 'uri': return (f) => f.path;
    case 'remote_addr': case 'binary_remote_addr': return (f) => f.clientIP;
    case 'host': return (f) => f.host;
    case 'scheme': return (f) => f.scheme;
    case 'request_method': return (f) => f.method;
    case 'args': case 'query_string': return (f) => f.query.slice(1);
  }
  if (name.startsWith('http_')) { const h = name.slice(5).replace(/_/g, '-').toLowerCase(); return (f) => headerString(f.headers[h]); }
  if (name.startsWith('cookie_')) { const c = name.slice(7); return (f) => cookie(f.headers['cookie'], c) ?? ''; }
  if (name.startsWith('arg_')) { const a = name.slice(4); return (f) => new URLSearchParams(f.query).get(a) ?? ''; }
  return () => '';
}

// cookiePath is a route's location path as a cookie Path: a regular expression is no path, so it
// falls back to "/" (ingress-nginx asks for session-cookie-path with use-regex).
export function cookiePath(route: Route): string {
  return route.regex ? '/' : route.path || '/';
}

function headerString(v: string | string[] | undefined): string {
  return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
}
