// Bare TCP handles (Node's tcp_wrap binding, reached through process.binding, a documentation-only
// deprecation): a connection without the net.Socket around it — no Duplex state, event emitter, timers or
// ticks per connection. The proxy's connections use them, accepted and outgoing alike (proxy/backends/
// userspace/raw-connection.ts); rawTcpAvailable is false on a Node without them, and callers use net.
//
// A handle calls back with `this` bound to the handle (reads, close) or to the request (connect, shutdown).
// Reads go into a buffer of ours (useUserBuffer); onread(undefined) runs with the byte count (or an errno,
// UV_EOF at the end) in lastRead(), and may return a buffer to read into from then on.
import { streamBinding } from './stream-binding.ts';

export interface TcpHandle {
  onread: ((this: TcpHandle) => Uint8Array | undefined) | null;
  readonly bytesRead: number;
  readonly writeQueueSize: number;
  connect(req: ConnectRequest, ip: string, port: number): number;
  connect6(req: ConnectRequest, ip: string, port: number): number;
  setNoDelay(on: boolean): number;
  useUserBuffer(buf: Uint8Array): void;
  readStart(): number;
  readStop(): number;
  shutdown(req: ShutdownRequest): number;
  close(cb: (this: TcpHandle) => void): void;
  reset(cb: (this: TcpHandle) => void): number;
  getsockname(out: Record<string, unknown>): number;
  getpeername(out: Record<string, unknown>): number;
}
export interface ConnectRequest { owner: unknown; oncomplete: (this: ConnectRequest, status: number, handle: TcpHandle) => void }
export interface ShutdownRequest { handle: TcpHandle; oncomplete: (this: ShutdownRequest, status: number) => void }

interface TcpBinding { TCP: new (type: number) => TcpHandle; TCPConnectWrap: new () => ConnectRequest; constants: { SOCKET: number } }

export const UV_EOF = -4095;

const tcp = load();

function load(): TcpBinding | undefined {
  try {
    const b = (process as unknown as { binding(name: string): Partial<TcpBinding> }).binding('tcp_wrap');
    if (typeof b.TCP !== 'function' || typeof b.TCPConnectWrap !== 'function' || typeof b.constants?.SOCKET !== 'number') return undefined;
    return b as TcpBinding;
  } catch {
    return undefined;
  }
}

const stream = streamBinding;
export const rawTcpAvailable = tcp !== undefined && stream !== undefined;
const state = stream?.streamBaseState ?? new Int32Array(8);
const kRead = stream?.kReadBytesOrError ?? 0;

// lastRead is the byte count (> 0), 0, or errno (< 0; UV_EOF at the end) of the read being delivered.
export function lastRead(): number { return state[kRead] ?? 0; }

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

// latin1Text is buf[0, n) as latin1 text, one char per byte (lossless for any bytes, and what the raw
// string writes take): how a read into a user buffer becomes a string, once.
export function latin1Text(buf: Buffer, n: number): string { return (buf as Latin1Buffer).latin1Slice(0, n); }

// connectTcp starts a connection to ip:port; done runs with `this` the request (owner on it) and a status
// (0 or an errno). Returns the handle, or an errno when the connect could not even start.
export function connectTcp(ip: string, port: number, done: ConnectRequest['oncomplete'], owner: unknown): TcpHandle | number {
  if (!tcp || !stream) return -22; // EINVAL
  const h = new tcp.TCP(tcp.constants.SOCKET);
  const req = new tcp.TCPConnectWrap();
  req.owner = owner;
  req.oncomplete = done;
  const err = ip.includes(':') ? h.connect6(req, ip, port) : h.connect(req, ip, port);
  if (err !== 0) { h.close(noop); return err; }
  return h;
}

// shutdownTcp sends a FIN once the pending writes have left; done (optional) runs then, with `this` the
// request (its handle on it) and a status.
export function shutdownTcp(h: TcpHandle, done: ShutdownRequest['oncomplete'] = noop): number {
  if (!stream) return -22;
  const req = new (stream.ShutdownWrap as new () => ShutdownRequest)();
  req.handle = h;
  req.oncomplete = done;
  return h.shutdown(req);
}

function noop(): void {}
