// Header plumbing shared by the HTTP, WebSocket and gRPC paths: hop-by-hop filtering and the
// X-Forwarded-* / X-Real-IP / X-Request-ID set ingress-nginx sends upstream.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// HOP_BY_HOP are not forwarded (RFC 9110 §7.6.1), nor are HTTP/2 pseudo-headers or the ones we set.
const SKIP_REQUEST = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authorization', 'http2-settings', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host',
  'x-forwarded-port', 'x-real-ip', 'x-request-id', 'x-original-uri', 'x-scheme',
]);
const SKIP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer']);

export interface Forwarded {
  clientIP: string;
  scheme: 'http' | 'https';
  host: string;            // the Host header as received (with port if any)
  port: number;            // the listener's port
  requestId: string;
}

// upstreamHeaders copies the request headers minus hop-by-hop and pseudo-headers, then adds the
// forwarding set. HTTP/2 requests carry :authority instead of Host: it becomes Host.
export function upstreamHeaders(h: IncomingHttpHeaders, f: Forwarded, extra: Record<string, string> | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) {
    if (k.charCodeAt(0) === 58 || SKIP_REQUEST.has(k)) continue;   // ':'
    out[k] = h[k];
  }
  out['host'] = f.host;
  out['x-request-id'] = f.requestId;
  out['x-real-ip'] = f.clientIP;
  out['x-forwarded-for'] = f.clientIP;
  out['x-forwarded-host'] = f.host;
  out['x-forwarded-port'] = String(f.port);
  out['x-forwarded-proto'] = f.scheme;
  out['x-scheme'] = f.scheme;
  if (extra) for (const k in extra) out[k.toLowerCase()] = extra[k];
  return out;
}

// responseHeaders filters what the backend answered for the client (h2 forbids connection headers).
export function responseHeaders(h: IncomingHttpHeaders, extra: Record<string, string> | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) {
    if (k.charCodeAt(0) === 58 || SKIP_RESPONSE.has(k)) continue;
    out[k] = h[k];
  }
  if (extra) for (const k in extra) out[k.toLowerCase()] = extra[k];
  return out;
}

// requestId keeps a client's X-Request-ID or makes a new one (32 hex digits, as nginx's $request_id).
const pool = Buffer.allocUnsafe(16 * 256);
let poolPos = pool.length;
export function requestId(h: IncomingHttpHeaders): string {
  const given = h['x-request-id'];
  if (typeof given === 'string' && given.length > 0 && given.length <= 200) return given;
  if (poolPos >= pool.length) { randomBytes(pool.length).copy(pool); poolPos = 0; }
  const s = pool.toString('hex', poolPos, poolPos + 16);
  poolPos += 16;
  return s;
}

// hostOf strips the port and lower-cases a Host / :authority value.
export function hostOf(raw: string | undefined): string {
  if (!raw) return '';
  let end = raw.length;
  if (raw.charCodeAt(0) === 91) { const b = raw.indexOf(']'); end = b < 0 ? end : b + 1; }   // [v6]:port
  else { const c = raw.lastIndexOf(':'); if (c >= 0) end = c; }
  const h = raw.slice(0, end);
  return hasUpper(h) ? h.toLowerCase() : h;
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 65 && c <= 90) return true; }
  return false;
}

// clientAddress strips the IPv4-mapped prefix node reports on dual-stack sockets.
export function clientAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

// requestHead serializes the upstream request head in one string (the fast HTTP/1.1 path): the
// client's headers minus hop-by-hop, then the forwarding set, then the middlewares' additions.
export function requestHead(method: string, path: string, h: IncomingHttpHeaders, f: Forwarded, extra: Record<string, string> | undefined): string {
  let s = method + ' ' + path + ' HTTP/1.1\r\nhost: ' + f.host + '\r\n';
  for (const k in h) {
    if (k === 'host' || SKIP_REQUEST.has(k) || (extra !== undefined && k in extra)) continue;
    const v = h[k];
    if (v === undefined) continue;
    if (typeof v === 'string') s += k + ': ' + v + '\r\n';
    else for (let i = 0; i < v.length; i++) s += k + ': ' + v[i] + '\r\n';
  }
  s += 'x-request-id: ' + f.requestId + '\r\nx-real-ip: ' + f.clientIP + '\r\nx-forwarded-for: ' + f.clientIP +
    '\r\nx-forwarded-host: ' + f.host + '\r\nx-forwarded-port: ' + f.port + '\r\nx-forwarded-proto: ' + f.scheme +
    '\r\nx-scheme: ' + f.scheme + '\r\n';
  if (extra) for (const k in extra) s += k + ': ' + extra[k] + '\r\n';
  return s + '\r\n';
}
