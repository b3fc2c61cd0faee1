// H1ResponseParser reads one HTTP/1.1 response at a time from a backend connection: the head (status,
// and the header lines to pass on as "Name: value\r\n" text, names as the backend wrote them,
// hop-by-hop fields dropped, with flags for the ones the client side must know of),
// then the body framed by Content-Length, chunked encoding (decoded), or the connection's end. It works
// on latin1 text (one char per byte: lossless for any bytes), which is what the client writes take, so
// a read is turned into a string once and the body goes on as slices of it.
import { latin1Text } from '../../lib/raw-tcp.ts';
import { folded, NameKinds } from '../header-names.ts';

// Flags of the header lines passed to onHead.
export const HAS_LENGTH = 1, HAS_DATE = 4;

export interface ResponseSink {
  onHead(status: number, lines: string, flags: number, keepAlive: boolean): void;
  onBody(chunk: string): void;                 // latin1 text
  onEnd(keepAlive: boolean): void;
  onError(message: string): void;
}

const HEAD = 0, FIXED = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_CRLF = 4, TRAILERS = 5, UNTIL_CLOSE = 6, DONE = 7;
const MAX_HEAD = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
// hop-by-hop response fields and the framing ones, by lower-case name (header-names.ts: no string made
// per name); the other names are passed on as they are
const CONTENT_LENGTH = 1, TRANSFER_ENCODING = 2, CONNECTION = 3, DROP = 4, DATE = 5;
const SPECIAL = new NameKinds([
  ['content-length', CONTENT_LENGTH], ['date', DATE], ['transfer-encoding', TRANSFER_ENCODING], ['connection', CONNECTION],
  ['keep-alive', DROP], ['proxy-connection', DROP], ['upgrade', DROP], ['trailer', DROP],
]);

// digits is the value of t[from, to) when it is 1 to 15 decimal digits, else -1.
function digits(t: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export class H1ResponseParser {
  sink: ResponseSink | undefined;
  noBody = false;                 // set for HEAD requests: the head is the whole response
  #state: number = DONE;
  #pending: string | undefined;   // an incomplete head / chunk-size line
  #remaining = 0;
  #keepAlive = true;

  // start prepares for the next response.
  start(sink: ResponseSink, noBody: boolean): void {
    this.sink = sink;
    this.noBody = noBody;
    this.#state = HEAD;
    this.#pending = undefined;
    this.#remaining = 0;
  }

  get idle(): boolean { return this.#state === DONE; }

  // waiting: a response is expected and not one byte of it has arrived.
  get waiting(): boolean { return this.#state === HEAD && this.#pending === undefined; }

  // execute consumes b[0, len); false when bytes arrived outside a response or the response is malformed
  // (the connection is unusable; the sink heard onError for the latter).
  execute(b: Buffer, len = b.length): boolean {
    return this.text(latin1Text(b, len));
  }

  // text consumes t, latin1 text of the bytes read.
  text(t: string): boolean {
    // an incomplete head or chunk-size line waits in #pending for the rest (and the state is unchanged)
    if (this.#pending !== undefined) { t = this.#pending + t; this.#pending = undefined; }
    let p = 0;
    const len = t.length;
    while (p < len) {
      switch (this.#state) {
        case HEAD: {
          const end = t.indexOf('\r\n\r\n', p);
          if (end < 0) return this.#stash(t, p, MAX_HEAD, 'response head too large');
          if (!this.#head(t, p, end)) return false;
          p = end + 4;
          if ((this.#state as number) === DONE) this.#finish();
          break;
        }
        case FIXED: {
          const n = Math.min(this.#remaining, len - p);
          this.sink?.onBody(p === 0 && n === len ? t : t.slice(p, p + n));
          p += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#finish();
          break;
        }
        case UNTIL_CLOSE:
          this.sink?.onBody(p === 0 ? t : t.slice(p));
          return true;
        case CHUNK_SIZE: case TRAILERS: {
          const nl = t.indexOf('\n', p);
          if (nl < 0) return this.#stash(t, p, MAX_CHUNK_LINE, 'bad chunk');
          const line = t.slice(p, nl).trim();
          p = nl + 1;
          if (this.#state === TRAILERS) { if (line === '') this.#finish(); break; }
          const semi = line.indexOf(';');
          const hex = semi < 0 ? line : line.slice(0, semi).trim();
          const size = /^[0-9a-fA-F]{1,15}$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (!(size >= 0)) { this.#fail('bad chunk size'); return false; }
          if (size === 0) this.#state = TRAILERS;
          else { this.#remaining = size; this.#state = CHUNK_DATA; }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.#remaining, len - p);
          this.sink?.onBody(t.slice(p, p + n));
          p += n;
          this.#remaining -= n;
          if (this.#remaining === 0) { this.#state = CHUNK_CRLF; this.#remaining = 2; }
          break;
        }
        case CHUNK_CRLF: {
          const n = Math.min(this.#remaining, len - p);
          p += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = CHUNK_SIZE;
          break;
        }
        default:
          this.#fail('data after the response');
          return false;
      }
    }
    return true;
  }

  // eof reports the connection's end: it completes a close-delimited body, else fails a partial response.
  eof(): void {
    if (this.#state === UNTIL_CLOSE) { this.#keepAlive = false; this.#finish(); }
    else if (this.#state !== DONE) this.#fail('backend closed the connection mid-response');
  }

  // #head reads the head t[start, end) (without its final CRLFCRLF).
  #head(t: string, start: number, end: number): boolean {
    const sp = t.indexOf(' ', start);
    const status = sp < 0 || sp + 4 > end ? -1 : digits(t, sp + 1, sp + 4);
    if (!t.startsWith('HTTP/1.', start) || !(status >= 100 && status <= 999)) { this.#fail('bad status line'); return false; }
    if (status < 200) { this.#state = HEAD; return true; }   // 1xx interim: wait for the final answer
    let lines = '';
    let run = -1;                 // start of the current run of lines passed on as they are
    let flags = 0;
    let length = -1;
    let chunked = false;
    let keepAlive = t.charCodeAt(start + 7) === 49;         // HTTP/1.1 keeps the connection by default
    let i = t.indexOf('\r\n', start) + 2;
    while (i > 1 && i < end) {
      let e = t.indexOf('\r\n', i);
      if (e < 0 || e > end) e = end;
      const colon = t.indexOf(':', i);
      let kept = false;
      let vs = e, ve = e;
      if (colon > i && colon < e) {
        vs = colon + 1;
        while (vs < ve && (t.charCodeAt(vs) === 32 || t.charCodeAt(vs) === 9)) vs++;
        while (ve > vs && (t.charCodeAt(ve - 1) === 32 || t.charCodeAt(ve - 1) === 9)) ve--;
        const kind = SPECIAL.kind(t, i, colon);
        switch (kind) {
          case 0: kept = true; break;
          case DATE: kept = true; flags |= HAS_DATE; break;
          case CONTENT_LENGTH: {
            const value = digits(t, vs, ve);
            if (value < 0 || (length >= 0 && value !== length)) { this.#fail('bad content-length'); return false; }
            kept = length < 0;
            length = value;
            flags |= HAS_LENGTH;
            break;
          }
          case TRANSFER_ENCODING: chunked = t.slice(vs, ve).toLowerCase().includes('chunked'); break;
          case CONNECTION: {
            if (folded(t, vs, ve, 'keep-alive')) keepAlive = true;
            else if (folded(t, vs, ve, 'close')) keepAlive = false;
            else {
              const v = t.slice(vs, ve).toLowerCase();
              if (v.includes('close')) keepAlive = false; else if (v.includes('keep-alive')) keepAlive = true;
            }
            break;
          }
          default: break;  // DROP
        }
      }
      // kept lines already in the "Name: value" form are passed on as runs of the text
      if (kept && vs === colon + 2 && t.charCodeAt(colon + 1) === 32 && ve === e) { if (run < 0) run = i; }
      else {
        if (run >= 0) { lines += t.slice(run, i); run = -1; }
        if (kept) lines += t.slice(i, colon) + ': ' + t.slice(vs, ve) + '\r\n';
      }
      i = e + 2;
    }
    if (run >= 0) lines += t.slice(run, end) + '\r\n';
    this.#keepAlive = keepAlive;
    if (this.noBody || status === 204 || status === 304) this.#state = DONE;
    else if (chunked) {
      this.#state = CHUNK_SIZE;
      // with both, Transfer-Encoding wins and Content-Length is not passed on (RFC 9112 §6.3)
      if (length >= 0) { lines = lines.replace(/^content-length:[^\r]*\r\n/im, ''); flags &= ~HAS_LENGTH; }
    } else if (length >= 0) { this.#remaining = length; this.#state = length === 0 ? DONE : FIXED; }
    else { this.#state = UNTIL_CLOSE; this.#keepAlive = false; }
    this.sink?.onHead(status, lines, flags, this.#keepAlive);
    return true;
  }

  // #stash keeps t[p..], the start of a head or line, for the next read; false (failed) when it is
  // already longer than max.
  #stash(t: string, p: number, max: number, message: string): boolean {
    if (t.length - p > max) { this.#fail(message); return false; }
    this.#pending = p === 0 ? t : t.slice(p);
    return true;
  }

  #finish(): void {
    this.#state = DONE;
    const s = this.sink;
    this.sink = undefined;
    s?.onEnd(this.#keepAlive);
  }

  #fail(message: string): void {
    this.#state = DONE;
    const s = this.sink;
    this.sink = undefined;
    s?.onError(message);
  }
}
