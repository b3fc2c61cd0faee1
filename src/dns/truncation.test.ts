// Answers larger than the UDP payload size: TC=1 over UDP, the full answer over TCP (dig retries itself).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsServer } from './server.ts';
import type { DnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { dig, hasDig } from './testing/dig.ts';
import { headlessService, slice } from './testing/fixtures.ts';

const N = 200;
const NAME = 'big.default.svc.cluster.local';

describe('a headless Service with 200 endpoints', { skip: !hasDig() && 'dig not installed' }, () => {
  let server: DnsServer;
  before(async () => {
    const l = new FakeLookup();
    l.upsertService(headlessService('default', 'big', [{ name: 'web', port: 80 }]));
    const eps = Array.from({ length: N }, (_, i) => ({ ip: `10.244.${i >> 8}.${(i & 0xff) + 1}` }));
    l.upsertSlice(slice('default', 'big', 'big-1', eps.slice(0, 100), [{ name: 'web', port: 80 }]));
    l.upsertSlice(slice('default', 'big', 'big-2', eps.slice(100), [{ name: 'web', port: 80 }]));
    l.upsertService(headlessService('default', 'twenty'));
    l.upsertSlice(slice('default', 'twenty', 'twenty-1', Array.from({ length: 20 }, (_, i) => ({ ip: `10.246.0.${i + 1}` }))));
    l.upsertService(headlessService('default', 'ten'));
    l.upsertSlice(slice('default', 'ten', 'ten-1', Array.from({ length: 40 }, (_, i) => ({ ip: `10.245.0.${i + 1}` }))));
    server = await createDnsServer({ lookup: l, port: 0, upstreams: [] });
    await server.ready();
  });
  after(() => server.close());

  const cases = [
    { desc: 'UDP with EDNS 1232: TC set, no records (dig +ignore does not retry)', opts: ['+ignore'], tc: true, answers: 0 },
    { desc: 'UDP without EDNS (512): TC set', opts: ['+ignore', '+noedns'], tc: true, answers: 0 },
    { desc: 'UDP then automatic TCP retry: every address', opts: [], tc: false, answers: N },
    { desc: 'TCP directly: every address', opts: ['+tcp'], tc: false, answers: N },
    { desc: 'UDP with EDNS 4096: the 3.3 kB answer fits, no TC', opts: ['+bufsize=4096', '+ignore'], tc: false, answers: N },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const r = await dig(server.address.port, NAME, 'A', c.opts);
      assert.equal(r.status, 'NOERROR');
      assert.equal(r.flags.includes('tc'), c.tc, r.flags.join(' '));
      assert.equal(r.answer.length, c.answers);
      if (c.answers) assert.deepEqual(new Set(r.answer.map((l) => l.split(' ')[4])).size, N);
    });
  }

  test('SRV for 200 endpoints over TCP', async () => {
    const r = await dig(server.address.port, `_web._tcp.${NAME}`, 'SRV', ['+tcp']);
    assert.equal(r.answer.length, N);
    assert.equal(r.additional.length, N);
  });

  test('40 endpoints fit in 1232 bytes but not in 512 (compression keeps each A at 16 bytes)', async () => {
    const big = await dig(server.address.port, 'ten.default.svc.cluster.local', 'A', ['+ignore']);
    assert.equal(big.flags.includes('tc'), false);
    assert.equal(big.answer.length, 40);
    const small = await dig(server.address.port, 'ten.default.svc.cluster.local', 'A', ['+ignore', '+noedns']);
    assert.equal(small.flags.includes('tc'), true);
    const edns600 = await dig(server.address.port, 'ten.default.svc.cluster.local', 'A', ['+ignore', '+bufsize=600']);
    assert.equal(edns600.flags.includes('tc'), true, 'the client\'s EDNS size is the limit');
  });

  test('an EDNS size below 512 counts as 512 (RFC 6891)', async () => {
    const r = await dig(server.address.port, 'twenty.default.svc.cluster.local', 'A', ['+ignore', '+bufsize=300']);
    assert.equal(r.flags.includes('tc'), false);
    assert.equal(r.answer.length, 20);
  });
});
