// FastResponse is the plain-HTTP fast path's response: the subset of http.ServerResponse that
// FastExchange and sendError use, written straight to the client's handle. It writes the same bytes
// node's ServerResponse writes for those calls (_storeHeader: the headers as given, then Date unless
// set, Connection/Keep-Alive, Transfer-Encoding: chunked when no Content-Length), and puts the head and
// the first body chunk in one write.
import { STATUS_CODES } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { EXCHANGE } from '../upstream/fast-proxy.ts';

// ResponseOwner is the connection: it sends the bytes, and is told once the response is complete, to
// serve the next request.
export interface ResponseOwner {
  readonly keepAliveLines: string;           // "Connection: keep-alive\r\nKeep-Alive: timeout=75\r\n"
  readonly stopping: boolean;                // the server is closing: this response is the connection's last
  readonly closing: boolean;                 // the client half-closed (or the connection ends): nothing more is sent
  // write sends latin1 text; false when the kernel did not take it all and the response's drained() follows.
  write(s: string): boolean;
  destroy(): void;
  responseDone(res: FastResponse): void;
}


// CONTLEN and DATE are H1ResponseParser's HAS_LENGTH and HAS_DATE
const CONTLEN = 1, TE = 2, DATE = 4, CONN = 8, CONN_CLOSE = 16, KA_HEADER = 32;
const RE_CONN_CLOSE = /(?:^|\W)close(?:$|\W)/i;

let dateLine: string | undefined;
// dateLine caches the Date header line for the current second, as node caches the date.
function utcDateLine(): string {
  if (dateLine === undefined) {
    const d = new Date();
    dateLine = 'Date: ' + d.toUTCString() + '\r\n';
    setTimeout(resetDate, 1000 - d.getMilliseconds()).unref();
  }
  return dateLine;
}
function resetDate(): void { dateLine = undefined; }

// STATUS_LINES[status] is "HTTP/1.1 <status> <reason>\r\n", made once per status code.
const STATUS_LINES: string[] = [];
function statusLine(status: number): string {
  return STATUS_LINES[status] ??= 'HTTP/1.1 ' + status + ' ' + (STATUS_CODES[status] ?? 'unknown') + '\r\n';
}

// headerFlag mirrors node's matchHeader: which framing headers the caller set itself.
function headerFlag(k: string, v: string): number {
  const n = k.length;
  return n === 4 || n === 10 || n === 14 || n === 17 ? lowerHeaderFlag(k.toLowerCase(), v) : 0;
}

function lowerHeaderFlag(k: string, v: string): number {
  switch (k) {
    case 'content-length': return CONTLEN;
    case 'transfer-encoding': return TE;
    case 'date': return DATE;
    case 'connection': return RE_CONN_CLOSE.test(v) ? CONN | CONN_CLOSE : CONN;
    case 'keep-alive': return KA_HEADER;
    default: return 0;
  }
}

export class FastResponse {
  readonly owner: ResponseOwner;
  readonly isHead: boolean;
  readonly keepAlive: boolean;     // the request's wish (HTTP/1.1 without Connection: close)
  headersSent = false;
  writableEnded = false;
  destroyed = false;
  last = false;                    // the connection closes after this response
  [EXCHANGE]: unknown = undefined;  // the FastExchange answering through this response
  #head: string | undefined = undefined;
  #hasBody = true;
  #chunked = false;
  #onClose: ((this: FastResponse) => void) | undefined = undefined;
  #onDrain: (() => void) | undefined = undefined;

  constructor(owner: ResponseOwner, isHead: boolean, keepAlive: boolean) {
    this.owner = owner; this.isHead = isHead; this.keepAlive = keepAlive;
  }

  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): this {
    let h = '';
    let f = 0;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) {
        const k = headers[i] as string, v = headers[i + 1] as string;
        h += k + ': ' + v + '\r\n';
        f |= headerFlag(k, v);
      }
    } else {
      for (const k in headers) {
        if (!Object.hasOwn(headers, k)) continue;
        const v = headers[k];
        if (v === undefined) continue;
        if (Array.isArray(v) && (v.length < 2 || k.toLowerCase() !== 'cookie')) {
          for (const one of v) { h += k + ': ' + one + '\r\n'; f |= headerFlag(k, one); }
        } else {
          const s = Array.isArray(v) ? v.join('; ') : String(v);
          h += k + ': ' + s + '\r\n';
          f |= headerFlag(k, s);
        }
      }
    }
    return this.writeLines(status, h, f);
  }

  // writeLines writes the head from "Name: value\r\n" lines (H1ResponseParser's, which drops the
  // connection-level fields) and their flags (HAS_LENGTH = CONTLEN, HAS_DATE = DATE).
  writeLines(status: number, lines: string, f: number): this {
    let h = statusLine(status) + lines;
    this.#hasBody = !this.isHead && status !== 204 && status !== 304 && !(status >= 100 && status < 200);
    if (!(f & DATE)) h += utcDateLine();
    if (f & CONN) { if (f & CONN_CLOSE) this.last = true; }
    else if (this.keepAlive && !this.owner.stopping) h += f & KA_HEADER ? 'Connection: keep-alive\r\n' : this.owner.keepAliveLines;
    else { this.last = true; h += 'Connection: close\r\n'; }
    if (!(f & (CONTLEN | TE)) && this.#hasBody) { h += 'Transfer-Encoding: chunked\r\n'; this.#chunked = true; }
    this.#head = h + '\r\n';
    this.headersSent = true;
    return this;
  }

  // write sends a body chunk (latin1 text), the head with the first one, in one write. False when the
  // kernel did not take everything (drained() follows).
  write(chunk: string, _encoding?: 'latin1'): boolean {
    if (this.destroyed || this.writableEnded || !this.#hasBody || chunk.length === 0 || this.owner.closing) return true;
    let pre = this.#head ?? '';
    this.#head = undefined;
    if (this.#chunked) return this.owner.write(pre + chunk.length.toString(16) + '\r\n' + chunk + '\r\n');
    return this.owner.write(pre.length > 0 ? pre + chunk : chunk);
  }

  end(body?: string): this {
    if (this.writableEnded || this.destroyed) return this;
    if (body !== undefined && body.length > 0) this.write(Buffer.from(body).toString('latin1'));
    this.writableEnded = true;
    const head = this.#head;
    this.#head = undefined;
    if (this.owner.closing) { /* the client half-closed: nothing more is sent */ }
    else if (head !== undefined) this.owner.write(this.#chunked ? head + '0\r\n\r\n' : head);
    else if (this.#chunked) this.owner.write('0\r\n\r\n');
    this.owner.responseDone(this);
    return this;
  }

  destroy(): this {
    if (!this.destroyed) { this.destroyed = true; this.owner.destroy(); }
    return this;
  }

  on(_event: 'close', f: (this: FastResponse) => void): this { this.#onClose = f; return this; }
  once(_event: 'drain', f: () => void): this { this.#onDrain = f; return this; }

  // socketClosed: the client went away before the response completed (node emits 'close' on res).
  socketClosed(): void {
    this.destroyed = true;
    const f = this.#onClose;
    this.#onClose = undefined;
    if (f) f.call(this);
  }

  drained(): void {
    const f = this.#onDrain;
    this.#onDrain = undefined;
    if (f) f();
  }
}
