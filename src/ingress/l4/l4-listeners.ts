// L4Listeners keeps one listener per tcp-services / udp-services port. apply(table) opens new ports
// and closes removed ones; a connection reads the current entry when it arrives, so endpoint changes
// apply to new connections without touching open ones. UDP keeps one backend socket per client,
// closed after an idle minute.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import type { L4Service } from '../types.ts';
import { pickRoundRobin } from '../upstream/balancer.ts';

const UDP_IDLE_MS = 60_000;

interface TcpEntry { server: NetServer; svc: L4Service }
interface UdpEntry { socket: UdpSocket; svc: L4Service; flows: Map<string, { s: UdpSocket; timer: NodeJS.Timeout }> }

export class L4Listeners {
  readonly #host: string;
  readonly #onError: (err: unknown, where: string) => void;
  readonly #tcp = new Map<number, TcpEntry>();
  readonly #udp = new Map<number, UdpEntry>();

  constructor(o: { host: string; onError: (err: unknown, where: string) => void }) {
    this.#host = o.host;
    this.#onError = o.onError;
  }

  apply(tcp: readonly L4Service[], udp: readonly L4Service[]): void {
    const wantTcp = new Map(tcp.map((s) => [s.port, s]));
    for (const [port, e] of this.#tcp) if (!wantTcp.has(port)) { e.server.close(); this.#tcp.delete(port); }
    for (const [port, svc] of wantTcp) {
      const had = this.#tcp.get(port);
      if (had) { had.svc = svc; continue; }
      this.#openTcp(port, svc);
    }
    const wantUdp = new Map(udp.map((s) => [s.port, s]));
    for (const [port, e] of this.#udp) if (!wantUdp.has(port)) { this.#closeUdp(e); this.#udp.delete(port); }
    for (const [port, svc] of wantUdp) {
      const had = this.#udp.get(port);
      if (had) { had.svc = svc; continue; }
      this.#openUdp(port, svc);
    }
  }

  close(): void {
    for (const e of this.#tcp.values()) e.server.close();
    for (const e of this.#udp.values()) this.#closeUdp(e);
    this.#tcp.clear();
    this.#udp.clear();
  }

  #openTcp(port: number, svc: L4Service): void {
    const entry: TcpEntry = { server: createNetServer({ allowHalfOpen: true }, (c) => this.#onTcp(entry, c)), svc };
    entry.server.on('error', (err) => { this.#onError(err, `tcp-services ${port}`); this.#tcp.delete(port); });
    entry.server.listen(port, this.#host);
    this.#tcp.set(port, entry);
  }

  #onTcp(entry: TcpEntry, c: Socket): void {
    const up = entry.svc.upstream;
    const e = up ? pickRoundRobin(up, Date.now()) : undefined;
    if (!e) { c.destroy(); return; }
    const b = netConnect({ host: e.address, port: e.port, allowHalfOpen: true });
    if (entry.svc.proxyEncode) b.write(proxyV1(c));
    c.pipe(b);
    b.pipe(c);
    const close = () => { b.destroy(); c.destroy(); };
    b.on('error', close);
    c.on('error', close);
    b.on('close', close);
    c.on('close', close);
  }

  #openUdp(port: number, svc: L4Service): void {
    const socket = createSocket(this.#host.includes(':') ? 'udp6' : 'udp4');
    const entry: UdpEntry = { socket, svc, flows: new Map() };
    socket.on('error', (err) => { this.#onError(err, `udp-services ${port}`); });
    socket.on('message', (msg, rinfo) => this.#onUdp(entry, msg, rinfo));
    socket.bind(port, this.#host);
    this.#udp.set(port, entry);
  }

  #onUdp(entry: UdpEntry, msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let flow = entry.flows.get(key);
    if (!flow) {
      const up = entry.svc.upstream;
      const e = up ? pickRoundRobin(up, Date.now()) : undefined;
      if (!e) return;
      const s = createSocket(e.address.includes(':') ? 'udp6' : 'udp4');
      s.on('message', (reply) => entry.socket.send(reply, rinfo.port, rinfo.address));
      s.on('error', () => { s.close(); entry.flows.delete(key); });
      s.connect(e.port, e.address);
      const f = { s, timer: setTimeout(() => undefined, 0) };
      entry.flows.set(key, f);
      flow = f;
      s.once('connect', () => s.send(msg));
      this.#touch(entry, key, f);
      return;
    }
    this.#touch(entry, key, flow);
    try { flow.s.send(msg); } catch { /* not connected yet: the first datagram is still pending */ }
  }

  #touch(entry: UdpEntry, key: string, f: { s: UdpSocket; timer: NodeJS.Timeout }): void {
    clearTimeout(f.timer);
    f.timer = setTimeout(() => { f.s.close(); entry.flows.delete(key); }, UDP_IDLE_MS);
    f.timer.unref();
  }

  #closeUdp(e: UdpEntry): void {
    for (const f of e.flows.values()) { clearTimeout(f.timer); f.s.close(); }
    e.flows.clear();
    e.socket.close();
  }
}

// proxyV1 is the PROXY protocol v1 header describing the client connection.
function proxyV1(c: Socket): string {
  const fam = c.remoteFamily === 'IPv6' ? 'TCP6' : 'TCP4';
  return `PROXY ${fam} ${c.remoteAddress} ${c.localAddress} ${c.remotePort} ${c.localPort}\r\n`;
}
