// H1ResponseParser reads one HTTP/1.1 response at a time from a backend connection: the head (status,
// headers as a flat [name, value, …] list with hop-by-hop fields dropped), then the body framed by
// Content-Length, chunked encoding (decoded), or the connection's end. It calls back with slices of
// the input: no copies, no per-chunk allocations beyond what framing needs.

export interface ResponseSink {
  onHead(status: number, headers: string[], keepAlive: boolean): void;
  onBody(chunk: Buffer): void;
  onEnd(keepAlive: boolean): void;
  onError(message: string): void;
}

const HEAD = 0, FIXED = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_CRLF = 4, TRAILERS = 5, UNTIL_CLOSE = 6, DONE = 7;
const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export class H1ResponseParser {
  sink: ResponseSink | undefined;
  noBody = false;                 // set for HEAD requests: the head is the whole response
  #state: number = DONE;
  #pending: Buffer | undefined;   // an incomplete head / chunk-size line
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

  // execute consumes b[0, len); it returns false when bytes arrived outside a response (the connection is
  // unusable). The sink's chunks are views of b: valid only during the call.
  execute(b: Buffer, len = b.length): boolean {
    let p = 0;
    while (p < len) {
      switch (this.#state) {
        case HEAD: {
          let buf = b.subarray(p, len);
          if (this.#pending) { buf = Buffer.concat([this.#pending, buf]); this.#pending = undefined; }
          const end = buf.indexOf(CRLFCRLF);
          if (end < 0) {
            if (buf.length > MAX_HEAD) { this.#fail('response head too large'); return false; }
            this.#pending = Buffer.from(buf);
            return true;
          }
          if (!this.#head(buf.toString('latin1', 0, end))) return false;
          b = buf;
          len = buf.length;
          p = end + 4;
          if ((this.#state as number) === DONE) this.#finish();
          break;
        }
        case FIXED: {
          const n = Math.min(this.#remaining, len - p);
          this.sink?.onBody(p === 0 && n === b.length ? b : b.subarray(p, p + n));
          p += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#finish();
          break;
        }
        case UNTIL_CLOSE:
          this.sink?.onBody(p === 0 && len === b.length ? b : b.subarray(p, len));
          return true;
        case CHUNK_SIZE: case TRAILERS: {
          let buf = b.subarray(p, len);
          if (this.#pending) { buf = Buffer.concat([this.#pending, buf]); this.#pending = undefined; }
          const nl = buf.indexOf(10);
          if (nl < 0) { if (buf.length > 4096) { this.#fail('bad chunk'); return false; } this.#pending = Buffer.from(buf); return true; }
          const line = buf.toString('latin1', 0, nl).trim();
          b = buf;
          len = buf.length;
          p = nl + 1;
          if (this.#state === TRAILERS) { if (line === '') this.#finish(); break; }
          const size = parseInt(line, 16);
          if (!(size >= 0)) { this.#fail('bad chunk size'); return false; }
          if (size === 0) this.#state = TRAILERS;
          else { this.#remaining = size; this.#state = CHUNK_DATA; }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.#remaining, len - p);
          this.sink?.onBody(b.subarray(p, p + n));
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

  #head(text: string): boolean {
    const sp = text.indexOf(' ');
    const status = Number(text.slice(sp + 1, sp + 4));
    if (sp < 0 || !text.startsWith('HTTP/1.') || !(status >= 100)) { this.#fail('bad status line'); return false; }
    if (status < 200) { this.#state = HEAD; return true; }   // 1xx interim: wait for the final answer
    const headers: string[] = [];
    let length = -1;
    let chunked = false;
    let keepAlive = text.charCodeAt(7) === 49;               // HTTP/1.1 keeps the connection by default
    let i = text.indexOf('\r\n') + 2;
    while (i > 1 && i < text.length) {
      let e = text.indexOf('\r\n', i);
      if (e < 0) e = text.length;
      const colon = text.indexOf(':', i);
      if (colon > i && colon < e) {
        const name = text.slice(i, colon).toLowerCase();
        const value = text.slice(colon + 1, e).trim();
        switch (name) {
          case 'content-length': length = Number(value); headers.push(name, value); break;
          case 'transfer-encoding': chunked = value.toLowerCase().includes('chunked'); break;
          case 'connection': {
            const v = value.toLowerCase();
            if (v.includes('close')) keepAlive = false; else if (v.includes('keep-alive')) keepAlive = true;
            break;
          }
          case 'keep-alive': case 'proxy-connection': case 'upgrade': case 'trailer': break;
          default: headers.push(name, value);
        }
      }
      i = e + 2;
    }
    this.#keepAlive = keepAlive;
    if (this.noBody || status === 204 || status === 304) this.#state = DONE;
    else if (chunked) { this.#state = CHUNK_SIZE; }
    else if (length >= 0) { this.#remaining = length; this.#state = length === 0 ? DONE : FIXED; }
    else { this.#state = UNTIL_CLOSE; this.#keepAlive = false; }
    this.sink?.onHead(status, headers, this.#keepAlive);
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
