// FakeUpstream is a recursive resolver stand-in on 127.0.0.1 (UDP and TCP, one port): it answers from a
// table of records, records every query it sees, and can truncate over UDP or stay silent.
import dgram from 'node:dgram';
import net from 'node:net';
import { parseQuery } from '../message.ts';
import { TYPE } from '../records.ts';
import type { Rr } from '../records.ts';
import { keyName, Writer } from '../wire.ts';
import { respond } from '../answer.ts';
import { bindBoth } from '../server.ts';

export interface FakeUpstreamOptions {
  records: Rr[];
  truncateUdp?: boolean;   // every UDP answer has TC=1 and no records
  silent?: boolean;        // never answer
}

export class FakeUpstream {
  readonly seen: { name: string; type: number; transport: 'udp' | 'tcp' }[] = [];
  readonly #o: FakeUpstreamOptions;
  #udp: dgram.Socket | undefined;
  #tcp: net.Server | undefined;
  port = 0;

  constructor(o: FakeUpstreamOptions) { this.#o = o; }

  async start(): Promise<this> {
    // the server's own binder: it retries when the UDP port it got is taken for TCP
    const { udp, tcp, port } = await bindBoth('127.0.0.1', 0);
    this.port = port;
    udp.on('message', (m, rinfo) => { const res = this.#answer(m, 'udp'); if (res) udp.send(res, rinfo.port, rinfo.address); });
    tcp.on('connection', (sock) => {
      sock.on('error', () => sock.destroy());
      sock.on('data', (d: Buffer) => {
        const res = this.#answer(d.subarray(2), 'tcp');
        if (!res) return;
        const len = Buffer.alloc(2); len.writeUInt16BE(res.length);
        sock.end(Buffer.concat([len, res]));
      });
    });
    this.#udp = udp;
    this.#tcp = tcp;
    return this;
  }

  #answer(m: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    const q = parseQuery(m);
    if (!q || typeof q === 'number') return undefined;
    const name = keyName(q.key);
    this.seen.push({ name, type: q.qtype, transport });
    if (this.#o.silent) return undefined;
    const an = this.#o.records.filter((r) => r.name === name && (TYPE[r.type] === q.qtype || r.type === 'CNAME'));
    const exists = this.#o.records.some((r) => r.name === name);
    if (transport === 'udp' && this.#o.truncateUdp) {
      const res = respond(m, q, { rcode: 0, an: 0, ns: 0, ar: 0, body: Buffer.alloc(0) }, true, false);
      res[2] = (res[2] ?? 0) | 0x02;
      return res;
    }
    const soa: Rr = { name: 'example.com', ttl: 60, type: 'SOA', mname: 'ns.example.com', rname: 'h.example.com', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 };
    const w = new Writer(512);
    for (let i = 0; i < 12; i++) w.u8(0);
    w.bytes(m.subarray(12, q.qEnd));
    w.seed(name, 12);
    for (const rr of an) w.rr(rr);
    if (an.length === 0) w.rr(soa);
    const body = w.finish().subarray(q.qEnd);
    return respond(m, q, { rcode: exists ? 0 : 3, an: an.length, ns: an.length ? 0 : 1, ar: 0, body: Buffer.from(body) }, true, false);
  }

  async close(): Promise<void> {
    await Promise.all([
      new Promise<void>((r) => (this.#udp ? this.#udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.#tcp ? this.#tcp.close(() => r()) : r())),
    ]);
  }
}
