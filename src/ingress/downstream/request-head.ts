// parseRequestHead reads an HTTP/1.1 request head for the plain-HTTP fast path. It accepts only a
// conservative subset of what llhttp accepts: a known body-less-capable method, an origin-form target
// of visible ASCII, HTTP/1.1, token header names directly followed by ':', visible-ASCII values, a Host,
// no body (Content-Length absent or 0, no Transfer-Encoding), no Upgrade/Expect, Connection only
// "keep-alive" or "close". Anything else returns undefined and the connection goes to node:http, which
// answers exactly as it always did (400 for a malformed head, 431 for an oversized one, bodies,
// upgrades).
//
// One pass validates the lines and picks out what every request needs: Host, X-Request-ID, and the
// header lines forwarded upstream as they came (forwardLines). The names are matched without making
// strings of them. `headers`, the object node's IncomingMessage would build (lower-case names;
// duplicates joined with ", ", cookies with "; ", set-cookie as an array, the single-valued ones keep
// the first), is built only when something asks for it (canary, affinity, hashing).
import type { IncomingHttpHeaders } from 'node:http';
import { NameKinds } from '../header-names.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

// methodOf is the method text[0, sp) as one of METHODS' own strings (no new string), or undefined.
function methodOf(text: string, sp: number): string | undefined {
  for (const m of METHODS) if (m.length === sp && text.startsWith(m)) return m;
  return undefined;
}
const MAX_HEADERS = 100;
const JOIN = 0, SET_COOKIE = 1, COOKIE = 2, FIRST = 3;
// DUPLICATES: how node's IncomingMessage merges a repeated header (_addHeaderLine; joinDuplicateHeaders off).
const DUPLICATES = new Map<string, number>([
  ['set-cookie', SET_COOKIE], ['cookie', COOKIE],
  ...['age', 'host', 'from', 'etag', 'server', 'referer', 'expires', 'location', 'user-agent', 'retry-after',
    'content-type', 'max-forwards', 'authorization', 'last-modified', 'proxy-authorization',
    'if-modified-since', 'if-unmodified-since', 'content-length'].map((n) => [n, FIRST] as [string, number]),
]);

// TCHAR[c] is 1 for RFC 9110 token characters, 2 for upper-case letters (lower-cased in names).
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 2;

// The names the pass acts on. SKIP: not forwarded (hop-by-hop, or set by the proxy: headers.ts's
// SKIP_REQUEST, which handler/headers keep in step with); the others decide the fast path or are read.
const SKIP = 1, HOST = 2, REQUEST_ID = 3, CONTENT_LENGTH = 4, CONNECTION = 5, REFUSE = 6;
const NAMES: [string, number][] = [
  ['host', HOST], ['x-request-id', REQUEST_ID], ['content-length', CONTENT_LENGTH], ['connection', CONNECTION],
  ['transfer-encoding', REFUSE], ['upgrade', REFUSE], ['expect', REFUSE], ['http2-settings', REFUSE],
  ...['keep-alive', 'proxy-connection', 'te', 'trailer', 'proxy-authorization', 'x-forwarded-for', 'x-forwarded-proto',
    'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'x-original-uri', 'x-scheme'].map((n) => [n, SKIP] as [string, number]),
];
const KINDS = new NameKinds(NAMES);

export class RequestHead {
  readonly method: string;
  readonly url: string;
  readonly requestLine: string;               // "GET /path HTTP/1.1\r\n", as received
  readonly keepAlive: boolean;
  readonly host: string;                      // the first Host value
  readonly requestId: string | undefined;     // the first X-Request-ID value
  readonly forwardLines: string;              // "Name: value\r\n" lines to pass upstream, as received
  readonly #text: string;
  readonly #start: number;                    // where the header lines begin in #text
  readonly #len: number;
  #headers: IncomingHttpHeaders | undefined = undefined;

  constructor(method: string, url: string, requestLine: string, keepAlive: boolean, host: string, requestId: string | undefined, forwardLines: string, text: string, start: number, len: number) {
    this.method = method; this.url = url; this.requestLine = requestLine; this.keepAlive = keepAlive; this.host = host;
    this.requestId = requestId; this.forwardLines = forwardLines;
    this.#text = text; this.#start = start; this.#len = len;
  }

  get headers(): IncomingHttpHeaders {
    return this.#headers ??= buildHeaders(this.#text, this.#start, this.#len);
  }
}

// parseRequestHead parses text[0, len), the head without its final CRLFCRLF (latin1-decoded; text may
// go on with that CRLFCRLF and more). hostHint is the Host value the connection's last request had: a
// Host with the same text is that string itself (no new string, its hash already known to the maps).
export function parseRequestHead(text: string, len = text.length, hostHint = ''): RequestHead | undefined {
  const sp1 = text.indexOf(' ');
  const method = methodOf(text, sp1);
  if (method === undefined) return undefined;
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 + 9 > len || text.charCodeAt(sp1 + 1) !== 47) return undefined;   // '/'
  for (let i = sp1 + 2; i < sp2; i++) { const c = text.charCodeAt(i); if (c < 0x21 || c > 0x7e) return undefined; }
  if (!text.startsWith(' HTTP/1.1', sp2) || (len !== sp2 + 9 && !text.startsWith('\r\n', sp2 + 9))) return undefined;
  let keepAlive = true;
  let host: string | undefined;
  let requestId: string | undefined;
  let contentLength = false;
  let forward = '';
  let run = -1;                 // start of the current run of lines forwarded as they are
  let count = 0;
  const start = sp2 + 11;
  let i = start;
  while (i < len) {
    let e = text.indexOf('\r\n', i);
    if (e < 0 || e > len) e = len;
    if (++count > MAX_HEADERS) return undefined;
    let p = i;
    for (; p < e; p++) {
      const c = text.charCodeAt(p);
      if (c === 58) break;   // ':'
      if (c >= 128 || TCHAR[c] === 0) return undefined;
    }
    if (p === i || p === e) return undefined;
    let vs = p + 1, ve = e;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    for (let k = vs; k < ve; k++) { const c = text.charCodeAt(k); if ((c < 0x20 && c !== 9) || c > 0x7e) return undefined; }
    const kind = KINDS.kind(text, i, p);
    switch (kind) {
      case 0: break;
      case HOST:
        if (host === undefined) host = ve - vs === hostHint.length && text.startsWith(hostHint, vs) ? hostHint : text.slice(vs, ve);
        break;
      case REQUEST_ID: if (requestId === undefined) requestId = text.slice(vs, ve); break;
      case CONTENT_LENGTH:
        if (contentLength || ve - vs !== 1 || text.charCodeAt(vs) !== 48) return undefined;   // only one "0"
        contentLength = true;
        break;
      case CONNECTION: {
        const v = text.slice(vs, ve).toLowerCase();
        if (v === 'close') keepAlive = false;
        else if (v !== 'keep-alive') return undefined;
        break;
      }
      case REFUSE: return undefined;
      default: break;  // SKIP
    }
    // forwarded: every line but Host and the skipped ones, as "Name: value" (a run of lines already in
    // that form is one slice of the text)
    const forwarded = kind === 0 || kind === CONTENT_LENGTH;
    const canonical = vs === p + 2 && text.charCodeAt(p + 1) === 32 && ve === e;
    if (forwarded && canonical) { if (run < 0) run = i; }
    else {
      if (run >= 0) { forward += text.slice(run, i); run = -1; }
      if (forwarded) forward += text.slice(i, p) + ': ' + text.slice(vs, ve) + '\r\n';
    }
    i = e + 2;
  }
  if (run >= 0) forward += text.slice(run, len) + '\r\n';
  if (host === undefined) return undefined;   // node answers 400 (requireHostHeader)
  return new RequestHead(method, text.slice(sp1 + 1, sp2), text.slice(0, start), keepAlive, host, requestId, forward, text, start, len);
}

// buildHeaders makes node's IncomingMessage.headers of the (validated) header lines text[start, len).
function buildHeaders(text: string, start: number, len: number): IncomingHttpHeaders {
  const h: IncomingHttpHeaders = {};
  let i = start;
  while (i < len) {
    let e = text.indexOf('\r\n', i);
    if (e < 0 || e > len) e = len;
    const p = text.indexOf(':', i);
    let vs = p + 1, ve = e;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    addHeader(h, text.slice(i, p).toLowerCase(), text.slice(vs, ve));
    i = e + 2;
  }
  return h;
}

// addHeader merges as node's _addHeaderLine; the first occurrence of a name needs no table look-up
// (an inherited name such as "constructor" is not undefined and takes node's path below).
function addHeader(h: IncomingHttpHeaders, name: string, value: string): void {
  const had = h[name];
  if (had === undefined) { h[name] = name === 'set-cookie' ? [value] : value; return; }
  const kind = DUPLICATES.get(name) ?? JOIN;
  if (kind === JOIN || kind === COOKIE) h[name] = typeof had === 'string' ? had + (kind === COOKIE ? '; ' : ', ') + value : value;
  else if (kind === SET_COOKIE) (had as string[]).push(value);
}
