import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstServiceIP, serviceIP } from './bootstrap.ts';

const cases = [
  { in: '127.96.0.0/12', want: '127.96.0.1' },
  { in: '10.96.0.0/12', want: '10.96.0.1' },
  { in: '10.100.7.9/16', want: '10.100.0.1' },
  { in: '192.168.1.0/24', want: '192.168.1.1' },
];
for (const c of cases) test(`firstServiceIP ${c.in}`, () => assert.equal(firstServiceIP(c.in), c.want));
test('firstServiceIP rejects garbage', () => assert.throws(() => firstServiceIP('nope'), TypeError));

const nth = [
  { in: ['127.96.0.0/12', 10], want: '127.96.0.10' },
  { in: ['10.96.0.0/12', 10], want: '10.96.0.10' },
  { in: ['127.112.16.0/20', 10], want: '127.112.16.10' },
] as const;
for (const c of nth) test(`serviceIP ${c.in.join(' ')}`, () => assert.equal(serviceIP(c.in[0], c.in[1]), c.want));
test('serviceIP refuses an address outside the CIDR', () => assert.throws(() => serviceIP('192.168.1.0/29', 10), TypeError));
