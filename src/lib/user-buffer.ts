// readInto switches a socket's reads to net's onread mode: the kernel's bytes land in a buffer of ours and
// go to a callback, with no Buffer allocated and no Readable push per read. net.connect() offers this as
// the `onread` option; accepted sockets cannot ask for it, so it is switched on the way net.Socket does for
// that option, with net's own symbols (found by description on a probe socket). Where they are missing (a
// Node that changed them), readInto returns false and the caller keeps reading 'data' events.
//
// The callback runs with the socket as `this`; returning false stops reading until socket.resume().
import { Socket } from 'node:net';

export type ReadCallback = (this: Socket, n: number, buf: Buffer) => boolean;

interface Symbols { buf: symbol; cb: symbol; gen: symbol }

const SYMBOLS = findSymbols();

function findSymbols(): Symbols | undefined {
  const probe = new Socket();
  const by = new Map(Object.getOwnPropertySymbols(probe).map((s) => [s.description, s]));
  probe.destroy();
  const buf = by.get('kBuffer'), cb = by.get('kBufferCb'), gen = by.get('kBufferGen');
  return buf && cb && gen ? { buf, cb, gen } : undefined;
}

export function readInto(s: Socket, buf: Buffer, cb: ReadCallback): boolean {
  const h = (s as unknown as { _handle?: { useUserBuffer?: (b: Uint8Array) => void } })._handle;
  if (!SYMBOLS || typeof h?.useUserBuffer !== 'function') return false;
  const o = s as unknown as Record<symbol, unknown>;
  o[SYMBOLS.buf] = buf;
  o[SYMBOLS.cb] = cb;
  o[SYMBOLS.gen] = null;
  h.useUserBuffer(buf);
  return true;
}
