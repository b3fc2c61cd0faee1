// TcpConnection frames DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its 2-byte
// length; a connection may carry many queries, answered as they complete; it closes after idleMs
// without traffic, or at once on a zero-length frame.
import type net from 'node:net';

// MAX_PENDING_WRITE bounds what a client that does not read can make us buffer.
const MAX_PENDING_WRITE = 1 << 20;

export class TcpConnection {
  readonly #sock: net.Socket;
  #buf: Buffer = Buffer.alloc(0);
  #closed = false;

  constructor(sock: net.Socket, idleMs: number, onMessage: (msg: Buffer, reply: (res: Buffer) => void) => void, onClose: () => void) {
    this.#sock = sock;
    sock.setNoDelay(true);
    sock.setTimeout(idleMs, () => this.destroy());
    sock.on('error', () => this.destroy());
    sock.on('close', () => { this.#closed = true; onClose(); });
    sock.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d;
      while (!this.#closed && this.#buf.length >= 2) {
        const len = this.#buf.readUInt16BE(0);
        if (len === 0) { this.destroy(); return; }
        if (this.#buf.length < 2 + len) break;
        const msg = this.#buf.subarray(2, 2 + len);
        this.#buf = this.#buf.subarray(2 + len);
        onMessage(msg, (res) => this.#write(res));
      }
    });
  }

  #write(res: Buffer): void {
    if (this.#closed || this.#sock.destroyed) return;
    const len = Buffer.allocUnsafe(2);
    len.writeUInt16BE(res.length);
    this.#sock.write(Buffer.concat([len, res]));
    if (this.#sock.writableLength > MAX_PENDING_WRITE) this.destroy();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.destroy();
  }
}
