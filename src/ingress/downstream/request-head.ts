// parseRequestHead reads an HTTP/1.1 request head for the plain-HTTP fast path. It accepts only a
// conservative subset of what llhttp accepts: a known body-less-capable method, an origin-form target
// of visible ASCII, HTTP/1.1, token header names directly followed by ':', visible-ASCII values, a Host,
// no body (Content-Length absent or 0, no Transfer-Encoding), no Upgrade/Expect, Connection only
// "keep-alive" or "close". Anything else returns undefined and the connection goes to node:http, which
// answers exactly as it always did (400 for a malformed head, 431 for an oversized one, bodies,
// upgrades). headers is built as node's IncomingMessage builds it (lower-case names; duplicates joined
// with ", ", cookies with "; ", set-cookie as an array, the single-valued ones keep the first).
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  keepAlive: boolean;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
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

// parseRequestHead parses text[0, len), the head without its final CRLFCRLF (latin1-decoded; text may
// go on with that CRLFCRLF and more).
export function parseRequestHead(text: string, len = text.length): RequestHead | undefined {
  const sp1 = text.indexOf(' ');
  if (sp1 < 3 || sp1 > 7) return undefined;
  const method = text.slice(0, sp1);
  if (!METHODS.has(method)) return undefined;
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 + 9 > len || text.charCodeAt(sp1 + 1) !== 47) return undefined;   // '/'
  for (let i = sp1 + 2; i < sp2; i++) { const c = text.charCodeAt(i); if (c < 0x21 || c > 0x7e) return undefined; }
  if (!text.startsWith(' HTTP/1.1', sp2) || (len !== sp2 + 9 && !text.startsWith('\r\n', sp2 + 9))) return undefined;
  const headers: IncomingHttpHeaders = {};
  let keepAlive = true;
  let count = 0;
  let i = sp2 + 11;
  while (i < len) {
    let e = text.indexOf('\r\n', i);
    if (e < 0 || e > len) e = len;
    if (++count > MAX_HEADERS) return undefined;
    let name = '';
    let lower = false;
    let p = i;
    for (; p < e; p++) {
      const c = text.charCodeAt(p);
      if (c === 58) break;   // ':'
      const t = c < 128 ? TCHAR[c] : 0;
      if (!t) return undefined;
      if (t === 2) lower = true;
    }
    if (p === i || p === e) return undefined;
    name = lower ? text.slice(i, p).toLowerCase() : text.slice(i, p);
    let vs = p + 1, ve = e;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    for (let k = vs; k < ve; k++) { const c = text.charCodeAt(k); if ((c < 0x20 && c !== 9) || c > 0x7e) return undefined; }
    const value = text.slice(vs, ve);
    switch (name) {
      case 'content-length': if (value !== '0' || headers['content-length'] !== undefined) return undefined; break;
      case 'transfer-encoding': case 'upgrade': case 'expect': case 'http2-settings': return undefined;
      case 'connection': {
        const v = value.toLowerCase();
        if (v === 'close') keepAlive = false;
        else if (v !== 'keep-alive') return undefined;
        break;
      }
    }
    addHeader(headers, name, value);
    i = e + 2;
  }
  if (headers.host === undefined) return undefined;   // node answers 400 (requireHostHeader)
  return { method, url: text.slice(sp1 + 1, sp2), headers, keepAlive };
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
