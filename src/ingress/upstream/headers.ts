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
  const set = forwardingSet(f);
  for (let i = 0; i < set.length; i += 2) out[set[i] as string] = set[i + 1];
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
export function requestId(h: IncomingHttpHeaders): string {
  const given = h['x-request-id'];
  return typeof given === 'string' && kept(given) ? given : freshIdLine().slice(ID_PREFIX.length, ID_PREFIX.length + 32);
}

// requestIdLine is the X-Request-ID line of a head: the client's ID kept, or a new one.
export function requestIdLine(given: string | undefined): string {
  return given !== undefined && kept(given) ? ID_PREFIX + given + '\r\n' : freshIdLine();
}

function kept(given: string): boolean { return given.length > 0 && given.length <= 200; }

// freshIdLine is a new "x-request-id: <32 hex digits>\r\n" line. Lines come 256 at a time, made whole as
// one string: a request takes one slice of it.
const ID_PREFIX = 'x-request-id: ';
const ID_LINE = ID_PREFIX.length + 32 + 2;
const IDS = 256;
let idLines = '';
let idPos = IDS;
function freshIdLine(): string {
  if (idPos >= IDS) {
    const hex = randomBytes(16 * IDS).toString('hex');
    const lines: string[] = [];
    for (let i = 0; i < IDS; i++) lines.push(ID_PREFIX, hex.slice(i * 32, i * 32 + 32), '\r\n');
    idLines = lines.join('');
    idPos = 0;
  }
  const s = idLines.slice(idPos * ID_LINE, idPos * ID_LINE + ID_LINE);
  idPos++;
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
// client's header lines as they came minus hop-by-hop ones (forwardLines, see forwardLinesOf), then the
// forwarding set, then the middlewares' additions.
export function requestHead(method: string, path: string, forwardLines: string, f: Forwarded, extra: Record<string, string> | undefined): string {
  let end = forwardedLines(f.clientIP, f.scheme, f.host, f.port);
  if (extra) for (const k in extra) end += k + ': ' + extra[k] + '\r\n';
  return headText(method + ' ' + path + ' HTTP/1.1\r\n', hostLine(f.host), forwardLines, ID_PREFIX + f.requestId + '\r\n', end + '\r\n');
}

// headText is the layout of every upstream HTTP/1.1 head: the request line, Host, the client's lines,
// X-Request-ID, then end (the forwarding lines, the middlewares' additions, the blank line).
function headText(requestLine: string, host: string, forwardLines: string, idLine: string, end: string): string {
  return requestLine + host + forwardLines + idLine + end;
}

function hostLine(host: string): string { return 'host: ' + host + '\r\n'; }

// forwardedLines are the X-Real-IP / X-Forwarded-* lines after X-Request-ID.
function forwardedLines(clientIP: string, scheme: string, host: string, port: number): string {
  return 'x-real-ip: ' + clientIP + '\r\nx-forwarded-for: ' + clientIP + '\r\nx-forwarded-host: ' + host +
    '\r\nx-forwarded-port: ' + port + '\r\nx-forwarded-proto: ' + scheme + '\r\nx-scheme: ' + scheme + '\r\n';
}

// ClientHeads builds the request heads a client connection sends upstream on the fast path (no middleware
// additions): the client's request line, Host, the client's other lines, X-Request-ID, then the forwarding
// lines and the blank line. Everything but the request line, the client's lines and the request ID depends
// only on the Host, so the connection makes it once per Host rather than per request.
export class ClientHeads {
  readonly clientIP: string;
  readonly #scheme: string;
  readonly #port: number;
  #raw: string | undefined = undefined;   // the Host value (as received) the rest is for
  #host = '';                             // hostOf(#raw)
  #hostLine = '';
  #text = '';

  constructor(clientIP: string, scheme: string, port: number) { this.clientIP = clientIP; this.#scheme = scheme; this.#port = port; }

  // lastHost is the Host value (as received) of the connection's last request
  get lastHost(): string { return this.#raw ?? ''; }

  // host is hostOf(raw): the routing key of a Host value
  host(raw: string): string {
    if (raw !== this.#raw) this.#see(raw);
    return this.#host;
  }

  // head is the upstream request head of a request whose Host value is raw
  head(requestLine: string, raw: string, forwardLines: string, idLine: string): string {
    if (raw !== this.#raw) this.#see(raw);
    return headText(requestLine, this.#hostLine, forwardLines, idLine, this.#text);
  }

  #see(raw: string): void {
    this.#raw = raw;
    this.#host = hostOf(raw);
    this.#hostLine = hostLine(raw);
    this.#text = forwardedLines(this.clientIP, this.#scheme, raw, this.#port) + '\r\n';
  }
}

// forwardLinesOf is node:http's side of request-head.ts's forwardLines: the raw header list as
// "Name: value\r\n" lines, names as the client wrote them, without Host, the SKIP_REQUEST ones and the
// names the middlewares set (extra, lower-case).
export function forwardLinesOf(raw: string[], extra: Record<string, string> | undefined): string {
  let s = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (forwarded(name, extra)) s += name + ': ' + raw[i + 1] + '\r\n';
  }
  return s;
}

// upstreamHeaderList is upstreamHeaders for an HTTP/1.x request, in the flat [name, value, …] form
// http.request takes: the client's header lines as it sent them (names in its case, repeated lines
// kept, as nginx forwards them) minus Host and the SKIP_REQUEST ones, then the forwarding set and the
// middlewares' additions. (HTTP/2 requests keep upstreamHeaders: their cookie crumbs must be joined.)
export function upstreamHeaderList(raw: readonly string[], f: Forwarded, extra: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (forwarded(name, extra)) out.push(name, raw[i + 1] as string);
  }
  out.push(...forwardingSet(f));
  if (extra) for (const k in extra) out.push(k.toLowerCase(), extra[k] as string);
  return out;
}

// forwardingSet is what the proxy sets upstream, as a flat [name, value, …] list (the HTTP/1.1 heads
// write the same set as text: requestHead).
function forwardingSet(f: Forwarded): string[] {
  return ['host', f.host, 'x-request-id', f.requestId, 'x-real-ip', f.clientIP, 'x-forwarded-for', f.clientIP,
    'x-forwarded-host', f.host, 'x-forwarded-port', String(f.port), 'x-forwarded-proto', f.scheme, 'x-scheme', f.scheme];
}

// forwarded: a client header line named name goes upstream as it is (not Host, not hop-by-hop or one
// the proxy sets, not one a middleware sets: extra's names are lower-case).
function forwarded(name: string, extra: Record<string, string> | undefined): boolean {
  const k = name.toLowerCase();
  return k !== 'host' && !SKIP_REQUEST.has(k) && (extra === undefined || !(k in extra));
}
