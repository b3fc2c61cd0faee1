import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandV6, proxyProtocolHeader } from './proxy-protocol.ts';

const cases = [
  { desc: 'v1 IPv4', in: { v: 'v1' as const, a: { sourceIP: '10.0.0.1', sourcePort: 1234, destIP: '10.96.0.1', destPort: 80 } }, want: Buffer.from('PROXY TCP4 10.0.0.1 10.96.0.1 1234 80\r\n').toString('hex') },
  { desc: 'v1 mapped IPv4 is IPv4', in: { v: 'v1' as const, a: { sourceIP: '::ffff:10.0.0.1', sourcePort: 1, destIP: '10.96.0.1', destPort: 2 } }, want: Buffer.from('PROXY TCP4 10.0.0.1 10.96.0.1 1 2\r\n').toString('hex') },
  { desc: 'v1 IPv6', in: { v: 'v1' as const, a: { sourceIP: 'fd00::1', sourcePort: 1, destIP: 'fd00::2', destPort: 2 } }, want: Buffer.from('PROXY TCP6 fd00::1 fd00::2 1 2\r\n').toString('hex') },
  { desc: 'v2 IPv4', in: { v: 'v2' as const, a: { sourceIP: '10.0.0.1', sourcePort: 1234, destIP: '10.96.0.1', destPort: 80 } },
    want: '0d0a0d0a000d0a515549540a' + '2111000c' + '0a000001' + '0a600001' + '04d2' + '0050' },
  { desc: 'v2 IPv6', in: { v: 'v2' as const, a: { sourceIP: 'fd00::1', sourcePort: 1, destIP: '::ffff:10.0.0.1', destPort: 2 } },
    want: '0d0a0d0a000d0a515549540a' + '21210024' + 'fd000000000000000000000000000001' + '00000000000000000000ffff0a000001' + '0001' + '0002' },
];

for (const c of cases) {
  test(c.desc, () => assert.equal(proxyProtocolHeader(c.in.v, c.in.a).toString('hex'), c.want));
}

test('expandV6', () => {
  assert.deepEqual(expandV6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(expandV6('fd00:1::2:3'), [0xfd00, 1, 0, 0, 0, 0, 2, 3]);
  assert.deepEqual(expandV6('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
});
