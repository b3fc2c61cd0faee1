import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstServiceIP } from './bootstrap.ts';

const cases = [
  { in: '127.96.0.0/12', want: '127.96.0.1' },
  { in: '10.96.0.0/12', want: '10.96.0.1' },
  { in: '10.100.7.9/16', want: '10.100.0.1' },
  { in: '192.168.1.0/24', want: '192.168.1.1' },
];
for (const c of cases) test(`firstServiceIP ${c.in}`, () => assert.equal(firstServiceIP(c.in), c.want));
test('firstServiceIP rejects garbage', () => assert.throws(() => firstServiceIP('nope'), TypeError));
