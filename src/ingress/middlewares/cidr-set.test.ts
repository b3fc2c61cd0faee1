import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrSet } from './cidr-set.ts';

const cases = [
  { desc: 'IPv4 inside a /24', cidrs: ['10.0.0.0/24'], ip: '10.0.0.77', want: true },
  { desc: 'IPv4 outside a /24', cidrs: ['10.0.0.0/24'], ip: '10.0.1.1', want: false },
  { desc: 'a single address as /32', cidrs: ['172.10.0.1/32'], ip: '172.10.0.1', want: true },
  { desc: 'IPv4-mapped IPv6 client against an IPv4 range', cidrs: ['127.0.0.0/8'], ip: '::ffff:127.0.0.1', want: true },
  { desc: 'IPv6 inside a /32', cidrs: ['2001:db8::/32'], ip: '2001:db8:1::5', want: true },
  { desc: 'IPv6 client against an IPv4 range', cidrs: ['10.0.0.0/8'], ip: '::1', want: false },
  { desc: 'an unparsable entry matches nothing', cidrs: ['office'], ip: '10.0.0.1', want: false },
  { desc: 'a bad client address matches nothing', cidrs: ['0.0.0.0/0'], ip: 'unknown', want: false },
  { desc: '0.0.0.0/0 matches every IPv4 client', cidrs: ['0.0.0.0/0'], ip: '203.0.113.9', want: true },
];

for (const c of cases) {
  test(`CidrSet: ${c.desc}`, () => {
    assert.equal(new CidrSet(c.cidrs).has(c.ip), c.want);
  });
}

const more = [
  { desc: 'a /0 IPv4 range', cidrs: ['0.0.0.0/0'], ip: '255.255.255.255', want: true },
  { desc: 'the network boundary of a /28', cidrs: ['192.168.1.16/28'], ip: '192.168.1.31', want: true },
  { desc: 'just past a /28', cidrs: ['192.168.1.16/28'], ip: '192.168.1.32', want: false },
  { desc: 'a host-bits-set CIDR is normalised', cidrs: ['10.1.2.3/8'], ip: '10.200.0.1', want: true },
  { desc: 'an IPv4-mapped client outside the range', cidrs: ['10.0.0.0/8'], ip: '::ffff:11.0.0.1', want: false },
  { desc: 'a mapped address against an IPv6 range', cidrs: ['::ffff:0:0/96'], ip: '::ffff:1.2.3.4', want: false },
  { desc: 'a malformed quad', cidrs: ['0.0.0.0/0'], ip: '1.2.3.256', want: false },
  { desc: 'a quad with too many parts', cidrs: ['0.0.0.0/0'], ip: '1.2.3.4.5', want: false },
];

for (const c of more) {
  test(`CidrSet: ${c.desc}`, () => {
    assert.equal(new CidrSet(c.cidrs).has(c.ip), c.want);
  });
}
