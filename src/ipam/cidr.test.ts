import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigIntToIP, canonicalIP, cidrContains, cidrNth, cidrOffset, ipToBigInt, isIP, isIPv4, isIPv6, parseCIDR } from './cidr.ts';

const validity = [
  { in: '10.0.0.1', v4: true, v6: false },
  { in: '255.255.255.255', v4: true, v6: false },
  { in: '01.2.3.4', v4: false, v6: false },
  { in: '1.2.3', v4: false, v6: false },
  { in: '256.1.1.1', v4: false, v6: false },
  { in: '2001:db8::1', v4: false, v6: true },
  { in: '::', v4: false, v6: true },
  { in: '::ffff:1.2.3.4', v4: false, v6: true },
  { in: 'fe80::1%eth0', v4: false, v6: false },
  { in: '1::2::3', v4: false, v6: false },
  { in: '', v4: false, v6: false },
  { in: 'None', v4: false, v6: false },
];
for (const c of validity) {
  test(`isIPv4/isIPv6/isIP ${JSON.stringify(c.in)}`, () => {
    assert.equal(isIPv4(c.in), c.v4);
    assert.equal(isIPv6(c.in), c.v6);
    assert.equal(isIP(c.in), c.v4 || c.v6);
  });
}

const roundTrips = [
  { desc: 'v4', in: '127.96.0.1', n: 0x7f600001n, want: '127.96.0.1' },
  { desc: 'v4 zero', in: '0.0.0.0', n: 0n, want: '0.0.0.0' },
  { desc: 'v6 compressed', in: '2001:db8::1', n: 0x20010db8000000000000000000000001n, want: '2001:db8::1' },
  { desc: 'v6 upper case, leading zeros', in: '2001:0DB8:0000:0000:0000:0000:0000:0001', n: 0x20010db8000000000000000000000001n, want: '2001:db8::1' },
  { desc: 'v6 longest zero run wins', in: '2001:db8:0:0:1:0:0:0', n: 0x20010db8000000000001000000000000n, want: '2001:db8:0:0:1::' },
  { desc: 'v6 single zero group not compressed', in: '1:0:2:3:4:5:6:7', n: 0x00010000000200030004000500060007n, want: '1:0:2:3:4:5:6:7' },
  { desc: 'v6 all zero', in: '::', n: 0n, want: '::' },
  { desc: 'v6 embedded v4', in: '::ffff:1.2.3.4', n: 0xffff01020304n, want: '::ffff:102:304' },
];
for (const c of roundTrips) {
  test(`ip <-> bigint: ${c.desc}`, () => {
    assert.equal(ipToBigInt(c.in), c.n);
    assert.equal(canonicalIP(c.in), c.want);
    assert.equal(bigIntToIP(c.n, c.in.includes(':') ? 6 : 4), c.want);
  });
}

test('ipToBigInt refuses invalid text', () => {
  assert.throws(() => ipToBigInt('1.2.3.4.5'), TypeError);
  assert.throws(() => bigIntToIP(1n << 32n, 4), RangeError);
});

const cidrs = [
  { in: '127.96.0.0/12', text: '127.96.0.0/12', size: 1n << 20n, family: 4 },
  { in: '10.96.7.9/12', text: '10.96.0.0/12', size: 1n << 20n, family: 4 },
  { in: '192.168.1.0/32', text: '192.168.1.0/32', size: 1n, family: 4 },
  { in: 'fd00::1/108', text: 'fd00::/108', size: 1n << 20n, family: 6 },
  { in: '::/0', text: '::/0', size: 1n << 128n, family: 6 },
];
for (const c of cidrs) {
  test(`parseCIDR ${c.in}`, () => {
    const got = parseCIDR(c.in);
    assert.equal(got.text, c.text);
    assert.equal(got.size, c.size);
    assert.equal(got.family, c.family);
  });
}

for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', 'fd00::/129', 'x/8', '10.0.0.0/8/8']) {
  test(`parseCIDR refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseCIDR(bad), TypeError));
}

const containment = [
  { cidr: '127.96.0.0/12', ip: '127.96.0.0', want: true },
  { cidr: '127.96.0.0/12', ip: '127.111.255.255', want: true },
  { cidr: '127.96.0.0/12', ip: '127.112.0.0', want: false },
  { cidr: '127.96.0.0/12', ip: '100.69.175.1', want: false },
  { cidr: '127.96.0.0/12', ip: '::1', want: false },
  { cidr: '127.96.0.0/12', ip: 'garbage', want: false },
  { cidr: 'fd00::/108', ip: 'fd00::f:ffff', want: true },
  { cidr: 'fd00::/108', ip: 'fd00::10:0', want: false },
];
for (const c of containment) {
  test(`cidrContains(${c.cidr}, ${c.ip}) = ${c.want}`, () => {
    const net = parseCIDR(c.cidr);
    assert.equal(cidrContains(net, c.ip), c.want);
    assert.equal(cidrOffset(net, c.ip) !== undefined, c.want);
  });
}

test('cidrNth counts from the network address and stays inside', () => {
  const net = parseCIDR('127.96.0.0/12');
  assert.equal(cidrNth(net, 1), '127.96.0.1');
  assert.equal(cidrNth(net, 10), '127.96.0.10');
  assert.equal(cidrNth(net, 256), '127.96.1.0');
  assert.equal(cidrNth(parseCIDR('fd00::/108'), 10), 'fd00::a');
  assert.throws(() => cidrNth(net, 1 << 20), RangeError);
  assert.throws(() => cidrNth(net, -1), RangeError);
});
