// Malformed input: each packet gets FORMERR (or NOTIMP) or is dropped, and the server keeps answering.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createDnsServer } from './server.ts';
import type { DnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { clusterIPService } from './testing/fixtures.ts';
import { frame, queryBytes, tcpExchange, udpExchange } from './testing/client.ts';
import { RCODE, TYPE } from './records.ts';

const NAME = 'web.default.svc.cluster.local';

function header(o: { id?: number; flags?: number; qd?: number; an?: number; ar?: number } = {}): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(o.id ?? 0xbeef, 0);
  b.writeUInt16BE(o.flags ?? 0x0100, 2);
  b.writeUInt16BE(o.qd ?? 1, 4);
  b.writeUInt16BE(o.an ?? 0, 6);
  b.writeUInt16BE(o.ar ?? 0, 10);
  return b;
}
const q = queryBytes(NAME, TYPE.A);
const tail = Buffer.from([0, 1, 0, 1]);

const cases: { desc: string; in: Buffer; want: 'drop' | number }[] = [
  { desc: 'empty datagram', in: Buffer.alloc(0), want: 'drop' },
  { desc: 'truncated header (5 bytes)', in: Buffer.from([1, 2, 3, 4, 5]), want: 'drop' },
  { desc: 'a response (QR set)', in: Buffer.concat([header({ flags: 0x8100 }), q.subarray(12)]), want: 'drop' },
  { desc: 'header only, QDCOUNT 1', in: header(), want: RCODE.FORMERR },
  { desc: 'QDCOUNT 0', in: header({ qd: 0 }), want: RCODE.FORMERR },
  { desc: 'QDCOUNT 2', in: Buffer.concat([header({ qd: 2 }), q.subarray(12), q.subarray(12)]), want: RCODE.FORMERR },
  { desc: 'label length 64 (reserved bits)', in: Buffer.concat([header(), Buffer.from([64]), Buffer.alloc(64, 97), Buffer.from([0]), tail]), want: RCODE.FORMERR },
  { desc: 'label length past the end', in: Buffer.concat([header(), Buffer.from([40, 97, 98]), tail]), want: RCODE.FORMERR },
  { desc: 'compression pointer loop in the question', in: Buffer.concat([header(), Buffer.from([0xc0, 12]), tail]), want: RCODE.FORMERR },
  { desc: 'pointer forward into garbage', in: Buffer.concat([header(), Buffer.from([3, 97, 98, 99, 0xc0, 40]), tail]), want: RCODE.FORMERR },
  { desc: 'name longer than 255 bytes', in: Buffer.concat([header(), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 97)])), Buffer.from([0]), tail]), want: RCODE.FORMERR },
  { desc: 'missing QTYPE/QCLASS', in: Buffer.concat([header(), Buffer.from([3, 97, 98, 99, 0])]), want: RCODE.FORMERR },
  { desc: 'ARCOUNT 1 with no record', in: Buffer.concat([header({ ar: 1 }), q.subarray(12)]), want: RCODE.FORMERR },
  { desc: 'OPT with RDLENGTH past the end', in: Buffer.concat([header({ ar: 1 }), q.subarray(12), Buffer.from([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 50])]), want: RCODE.FORMERR },
  { desc: 'additional record with a pointer loop in its name', in: Buffer.concat([header({ ar: 1 }), q.subarray(12), Buffer.from([0xc0, 99, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])]), want: RCODE.NOERROR },
  { desc: 'opcode STATUS', in: Buffer.concat([header({ flags: 0x1000 }), q.subarray(12)]), want: RCODE.NOTIMP },
];

describe('malformed packets', () => {
  let server: DnsServer;
  before(async () => {
    const l = new FakeLookup();
    l.upsertService(clusterIPService('default', 'web', ['10.96.0.50']));
    server = await createDnsServer({ lookup: l, port: 0, upstreams: [], tcpIdleMs: 300 });
    await server.ready();
  });
  after(() => server.close());

  // assertAlive retries like a stub resolver would (glibc: 2 attempts of 5 s each): a flood from this same
  // process can cost a datagram, and a loaded machine can hold the answer past half a second. Its queries
  // carry an ID of their own: a late answer to a flooded query (q's ID) may reach a socket that reuses the
  // flooded one's port.
  let aliveId = 0x1000;
  async function assertAlive(): Promise<void> {
    let res: Buffer | undefined;
    for (let i = 0; i < 4 && !res; i++) res = await udpExchange(server.address.port, queryBytes(NAME, TYPE.A, { id: aliveId++ }), 1000);
    assert.ok(res, 'server still answers');
    assert.equal((res[3] ?? 0) & 0x0f, RCODE.NOERROR);
  }

  for (const c of cases) {
    test(`udp: ${c.desc}`, async () => {
      const res = await udpExchange(server.address.port, c.in, c.want === 'drop' ? 150 : 500);
      if (c.want === 'drop') assert.equal(res, undefined);
      else {
        assert.ok(res, 'an answer');
        assert.equal((res[2] ?? 0) & 0x80, 0x80, 'QR set');
        assert.equal(res.readUInt16BE(0), 0xbeef, 'ID kept');
        assert.equal((res[3] ?? 0) & 0x0f, c.want);
      }
      await assertAlive();
    });
  }

  test('2000 random datagrams, then a good query', async () => {
    const sends = Array.from({ length: 2000 }, (_, i) => udpExchange(server.address.port, randomBytes(i % 300), 20));
    await Promise.all(sends);
    const flipped = Array.from({ length: 500 }, () => { const b = Buffer.from(q); b[12 + ((Math.random() * (b.length - 12)) | 0)] = (Math.random() * 256) | 0; return b; });
    await Promise.all(flipped.map((b) => udpExchange(server.address.port, b, 20)));
    await assertAlive();
  });

  test('tcp: garbage frame, then two pipelined queries on the same connection', async () => {
    const raw = Buffer.concat([frame(Buffer.from([1, 2, 3])), frame(header()), frame(q), frame(queryBytes(NAME, TYPE.AAAA, { id: 7 }))]);
    const { replies } = await tcpExchange(server.address.port, raw, 3);
    assert.equal(replies.length, 3);
    assert.deepEqual(replies.map((r) => (r[3] ?? 0) & 0x0f), [RCODE.FORMERR, RCODE.NOERROR, RCODE.NOERROR]);
    assert.equal(replies[2]?.readUInt16BE(0), 7);
  });

  test('tcp: a zero-length frame closes the connection', async () => {
    const { closed } = await tcpExchange(server.address.port, Buffer.from([0, 0]), 1, 1000);
    assert.equal(closed, true);
  });

  test('tcp: a partial frame is closed by the idle timeout, not held forever', async () => {
    const t0 = performance.now();
    const { replies, closed } = await tcpExchange(server.address.port, Buffer.from([0, 50, 1, 2]), 1, 2000);
    assert.equal(replies.length, 0);
    assert.equal(closed, true);
    assert.ok(performance.now() - t0 < 1500);
    await assertAlive();
  });
});
