// PrependedSocket is a Duplex over a socket whose first bytes were already read (the peeked
// ClientHello): it yields those bytes first, then the socket's. The TLS server takes it as a
// connection; node cannot hand bytes read in JS back to a native TLS handle.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export class PrependedSocket extends Duplex {
  readonly socket: Socket;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;

  constructor(socket: Socket, head: Buffer) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.push(head);
    socket.on('data', (d: Buffer) => { if (!this.push(d)) socket.pause(); });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (e) => this.destroy(e));
  }

  override _read(): void { this.socket.resume(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void { this.socket.end(); cb(); }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void { this.socket.destroy(); cb(err); }

  setNoDelay(v?: boolean): this { this.socket.setNoDelay(v); return this; }
  setKeepAlive(e?: boolean, d?: number): this { this.socket.setKeepAlive(e, d); return this; }
  setTimeout(ms: number, cb?: () => void): this { this.socket.setTimeout(ms, cb); return this; }
}
