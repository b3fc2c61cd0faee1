// Forwarder is the forward plugin: queries for names nobody in front of it answered go to the upstream
// resolvers, in order, over UDP (retried over TCP when the upstream truncates). All upstreams failing
// yields SERVFAIL. Upstreams come from options or, by default, the host's /etc/resolv.conf.
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { errorResponse } from '../answer.ts';
import { RCODE } from '../records.ts';
import type { DnsRequest, Plugin } from '../plugin.ts';

export interface Upstream { host: string; port: number }

export interface ForwardOptions {
  upstreams: readonly Upstream[];
  timeoutMs?: number;   // per upstream attempt; default 2000
}

interface Pending { resolve: (b: Buffer | undefined) => void; upstream: Upstream }

export class Forwarder {
  readonly #upstreams: readonly Upstream[];
  readonly #timeoutMs: number;
  readonly #sockets = new Map<4 | 6, dgram.Socket>();
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  constructor(o: ForwardOptions) {
    if (o.upstreams.length === 0) throw new TypeError('Forwarder: at least one upstream is required');
    for (const u of o.upstreams) {
      if (!net.isIP(u.host) || !(u.port > 0 && u.port < 65536)) throw new TypeError(`Forwarder: bad upstream ${u.host}:${u.port}`);
    }
    this.#upstreams = o.upstreams;
    this.#timeoutMs = o.timeoutMs ?? 2000;
  }

  // plugin is the chain element; it never calls next (it is the end of the resolution chain).
  readonly plugin: Plugin = () => (req: DnsRequest) => this.forward(req);

  // forward resolves req upstream and returns the response carrying the client's ID.
  async forward(req: DnsRequest): Promise<Buffer> {
    for (const u of this.#upstreams) {
      if (this.#closed) break;
      let res = await this.#udp(req.msg, u);
      if (res && (res[2] ?? 0) & 0x02) res = await this.#tcp(req.msg, u);
      if (res) { res.writeUInt16BE(req.q.id, 0); return res; }
    }
    return errorResponse(req.msg, RCODE.SERVFAIL, req.q, true);
  }

  #socket(family: 4 | 6): dgram.Socket {
    let s = this.#sockets.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    s.on('message', (m, rinfo) => this.#onMessage(m, rinfo));
    s.on('error', () => { /* a failed send surfaces as a timeout */ });
    s.unref();
    this.#sockets.set(family, s);
    return s;
  }

  #onMessage(m: Buffer, rinfo: dgram.RemoteInfo): void {
    if (m.length < 12) return;
    const p = this.#pending.get(m.readUInt16BE(0));
    if (!p || p.upstream.port !== rinfo.port || p.upstream.host !== rinfo.address) return;
    p.resolve(m);
  }

  #freeId(): number {
    for (;;) {
      const id = (Math.random() * 0x10000) | 0;
      if (!this.#pending.has(id)) return id;
    }
  }

  #udp(msg: Buffer, u: Upstream): Promise<Buffer | undefined> {
    const id = this.#freeId();
    const out = Buffer.from(msg);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const done = (b: Buffer | undefined) => { clearTimeout(t); this.#pending.delete(id); resolve(b); };
      const t = setTimeout(() => done(undefined), this.#timeoutMs);
      this.#pending.set(id, { resolve: done, upstream: u });
      this.#socket(net.isIPv6(u.host) ? 6 : 4).send(out, u.port, u.host, (err) => { if (err) done(undefined); });
    });
  }

  #tcp(msg: Buffer, u: Upstream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = net.connect({ host: u.host, port: u.port });
      let acc = Buffer.alloc(0);
      const done = (b: Buffer | undefined) => { clearTimeout(t); sock.destroy(); resolve(b); };
      const t = setTimeout(() => done(undefined), this.#timeoutMs);
      sock.on('error', () => done(undefined));
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        sock.write(Buffer.concat([len, msg]));
      });
      sock.on('data', (d: Buffer) => {
        acc = Buffer.concat([acc, d]);
        if (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) done(Buffer.from(acc.subarray(2, 2 + acc.readUInt16BE(0))));
      });
      sock.on('end', () => done(undefined));
    });
  }

  // close stops forwarding: pending queries resolve as failures, sockets close.
  close(): void {
    this.#closed = true;
    for (const p of [...this.#pending.values()]) p.resolve(undefined);
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }
}

// upstreamsFromResolvConf reads nameserver lines of a resolv.conf file (port 53); missing file: [].
export function upstreamsFromResolvConf(path = '/etc/resolv.conf'): Upstream[] {
  let text = '';
  try { text = readFileSync(path, 'utf8'); } catch { return []; }
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = m?.[1]?.replace(/%.*$/, '');
    if (host && net.isIP(host)) out.push({ host, port: 53 });
  }
  return out;
}

