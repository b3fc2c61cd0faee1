// writeRaw writes a buffer straight to a stream handle (a bare TcpHandle, or a net.Socket's), beside any
// Writable stream: no queue, no
// callback bookkeeping, no WriteWrap object per write. It is what socket.write() does underneath (libuv
// tries the write at once; what the kernel does not take stays queued in libuv, pointing into `buf`),
// without the stream machinery that costs as much as the syscall on small writes.
//
// Returns 0 when the kernel took every byte (buf is free again), 1 when the rest is pending (buf must stay
// untouched until `done` runs, with `this` the request and `owner` on it), or a negative errno. Writes keep
// their order with socket.write() and socket.end() (libuv queues a write, and a shutdown, behind pending
// ones). The Writable's bytesWritten does not count these bytes; the peer's bytesRead does.
//
// It needs WriteWrap from the stream_wrap binding (stream-binding.ts): rawWriteAvailable is false on a Node
// without it, and callers use socket.write().
import { streamBinding } from './stream-binding.ts';

export interface WriteRequest { owner: unknown; buffer: Uint8Array | null }
type Done = (this: WriteRequest, status: number) => void;
interface Req extends WriteRequest { handle: unknown; oncomplete: Done | null; async: boolean; bytes: number }
interface Handle { writeBuffer(req: Req, buf: Uint8Array): number; writeLatin1String(req: Req, s: string): number }
type WriteWrap = new () => Req;

const binding = streamBinding;

export const rawWriteAvailable = binding !== undefined;
const state = binding?.streamBaseState ?? new Int32Array(8);
const kAsync = binding?.kLastWriteWasAsync ?? 0;

// spare is the request object of the next write: a write the kernel takes at once leaves it unbound
// (libuv never sees it), so it serves again; a pending one keeps it, and a new spare is made.
let spare: Req | undefined;

// writeRaw writes buf to a stream handle; null (a closed one): EBADF.
export function writeRaw(handle: object | null, buf: Uint8Array, done: Done, owner: unknown): number {
  const h = handle as Handle | null;
  if (!binding || !h) return -9; // EBADF: destroyed
  const req = request(h, done);
  return settle(req, h.writeBuffer(req, buf), owner, buf);
}

// writeRawString writes a string's latin1 bytes (one byte per char code: a string made by latin1Slice
// carries any bytes) to a stream handle, as writeRaw does a buffer. What the kernel does not take at once
// Node copies, so the caller keeps nothing alive: 0 when all was taken, 1 when the rest is pending (`done`
// runs once it has left), or a negative errno.
export function writeRawString(handle: object | null, s: string, done: Done, owner: unknown): number {
  const h = handle as Handle | null;
  if (!binding || !h) return -9; // EBADF: destroyed
  const req = request(h, done);
  return settle(req, h.writeLatin1String(req, s), owner, null);
}

// request readies the spare request object (or a new one) for a write to h.
function request(h: Handle, done: Done): Req {
  const req = spare ?? new ((binding as { WriteWrap: unknown }).WriteWrap as WriteWrap)();
  req.handle = h;
  req.oncomplete = done;
  req.async = false;
  req.bytes = 0;
  req.buffer = null;
  return req;
}

// settle reads how the write just asked with req went: an error, taken at once (req is the spare
// again), or pending (req keeps owner, and `keep`, the bytes libuv still points into).
function settle(req: Req, err: number, owner: unknown, keep: Uint8Array | null): number {
  if (err !== 0) { spare = undefined; return err; }
  if (state[kAsync] === 0) { spare = req; return 0; }
  req.async = true;
  req.buffer = keep;
  req.owner = owner;
  spare = undefined;
  return 1;
}
