import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AllocationError } from './allocation-error.ts';
import { ClusterIPAllocator } from './cluster-ip-allocator.ts';
import { ipToBigInt } from './cidr.ts';

const CIDR = '127.96.0.0/12';

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AllocationError && e.code === code && e.message === message);
}

const explicit = [
  { desc: 'the first usable address', ip: '127.96.0.1', code: '', message: '' },
  { desc: 'the last usable address', ip: '127.111.255.254', code: '', message: '' },
  { desc: 'an address outside the range', ip: '100.69.175.1', code: 'OutOfRange',
    message: 'the provided IP (100.69.175.1) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
  { desc: 'the network address', ip: '127.96.0.0', code: 'OutOfRange',
    message: 'the provided IP (127.96.0.0) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
  { desc: 'the broadcast address', ip: '127.111.255.255', code: 'OutOfRange',
    message: 'the provided IP (127.111.255.255) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
  { desc: 'an address of the other family', ip: '::1', code: 'OutOfRange',
    message: 'the provided IP (::1) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
  { desc: 'text that is no IP', ip: 'None', code: 'OutOfRange',
    message: 'the provided IP (None) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
];
for (const c of explicit) {
  test(`allocate ${c.desc}`, () => {
    const a = new ClusterIPAllocator({ cidr: CIDR });
    if (!c.code) {
      a.allocate(c.ip);
      assert.ok(a.has(c.ip));
      assert.equal(a.used(), 1);
      fails(() => a.allocate(c.ip), 'Allocated', 'provided IP is already allocated');
      a.release(c.ip);
      assert.equal(a.has(c.ip), false);
      a.allocate(c.ip);
    } else {
      fails(() => a.allocate(c.ip), c.code, c.message);
      assert.equal(a.used(), 0);
      assert.equal(a.contains(c.ip), false);
    }
  });
}

test('cidr, nth, counts', () => {
  const a = new ClusterIPAllocator({ cidr: '127.96.7.7/12' });
  assert.equal(a.cidr, CIDR);
  assert.equal(a.nth(1), '127.96.0.1');
  assert.equal(a.nth(10), '127.96.0.10');
  assert.equal(a.free(), (1 << 20) - 2);
  a.allocate(a.nth(1));
  assert.equal(a.used(), 1);
  assert.equal(a.free(), (1 << 20) - 3);
  a.release('10.0.0.1');
  a.release('127.96.0.2');
  assert.equal(a.used(), 1);
});

test('allocateNext fills a small range exactly, then is Full, then reuses a released address', () => {
  const a = new ClusterIPAllocator({ cidr: '10.0.0.0/28' });
  const got = new Set<string>();
  for (let i = 0; i < 14; i++) got.add(a.allocateNext());
  assert.equal(got.size, 14);
  assert.ok(!got.has('10.0.0.0') && !got.has('10.0.0.15'));
  fails(() => a.allocateNext(), 'Full', 'range is full');
  a.release('10.0.0.7');
  assert.equal(a.allocateNext(), '10.0.0.7');
  assert.deepEqual(a.allocated().length, 14);
});

test('allocateNext prefers the upper band and leaves the lower band for explicit requests (KEP-3070)', () => {
  const low = new ClusterIPAllocator({ cidr: CIDR, random: () => 0 });
  assert.equal(low.allocateNext(), '127.96.1.1'); // offset min(max(16, 2^20/16), 256) = 256 → slot 256 = .1.1
  const a = new ClusterIPAllocator({ cidr: '10.0.0.0/24' }); // 254 usable, band offset 16
  const firsts = Array.from({ length: 238 }, () => Number(ipToBigInt(a.allocateNext()) & 255n));
  assert.ok(firsts.every((x) => x >= 17), 'dynamic allocations stay above the static band');
  const next = Number(ipToBigInt(a.allocateNext()) & 255n);
  assert.ok(next >= 1 && next <= 16, 'the static band is used once the dynamic band is full');
});

test('IPv6 ranges exclude only the network address', () => {
  const a = new ClusterIPAllocator({ cidr: 'fd00::/124' });
  assert.equal(a.family, 6);
  assert.equal(a.free(), 15);
  a.allocate('fd00::f');
  fails(() => a.allocate('fd00::'), 'OutOfRange', 'the provided IP (fd00::) is not in the valid range. The range of valid IPs is fd00::/124');
  for (let i = 0; i < 14; i++) a.allocateNext();
  fails(() => a.allocateNext(), 'Full', 'range is full');
});

const badOptions = [
  { desc: 'malformed CIDR', cidr: '127.96.0.0', err: TypeError },
  { desc: 'IPv4 larger than /12', cidr: '10.0.0.0/8', err: RangeError },
  { desc: 'IPv6 larger than /108', cidr: 'fd00::/64', err: RangeError },
];
for (const c of badOptions) {
  test(`constructor refuses ${c.desc}`, () => assert.throws(() => new ClusterIPAllocator({ cidr: c.cidr }), c.err));
}
