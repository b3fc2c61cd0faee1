import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AllocationError } from './allocation-error.ts';
import { parsePortRange, PortAllocator } from './port-allocator.ts';

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AllocationError && e.code === code && e.message === message);
}

const OUT = 'provided port is not in the valid range. The range of valid ports is 30000-32767';
const explicit = [
  { desc: 'the first port', port: 30000, code: '', message: '' },
  { desc: 'the last port', port: 32767, code: '', message: '' },
  { desc: 'a port below the range', port: 8000, code: 'OutOfRange', message: OUT },
  { desc: 'the port after the range', port: 32768, code: 'OutOfRange', message: OUT },
  { desc: 'a fractional port', port: 30000.5, code: 'OutOfRange', message: OUT },
];
for (const c of explicit) {
  test(`allocate ${c.desc}`, () => {
    const a = new PortAllocator({ base: 30000, size: 2768 });
    if (!c.code) {
      a.allocate(c.port);
      assert.ok(a.has(c.port));
      fails(() => a.allocate(c.port), 'Allocated', 'provided port is already allocated');
      a.release(c.port);
      assert.equal(a.has(c.port), false);
    } else {
      fails(() => a.allocate(c.port), c.code, c.message);
      assert.equal(a.used(), 0);
    }
  });
}

test('range, counts, release of foreign ports', () => {
  const a = new PortAllocator({ base: 30000, size: 2768 });
  assert.equal(a.range, '30000-32767');
  assert.equal(a.free(), 2768);
  a.allocate(30001);
  a.release(80);
  a.release(30002);
  assert.equal(a.used(), 1);
  assert.equal(a.free(), 2767);
  assert.deepEqual(a.allocated(), [30001]);
});

test('allocateNext fills the range, then is Full, then reuses a released port', () => {
  const a = new PortAllocator({ base: 40000, size: 20 });
  const got = new Set(Array.from({ length: 20 }, () => a.allocateNext()));
  assert.equal(got.size, 20);
  assert.ok([...got].every((p) => p >= 40000 && p < 40020));
  fails(() => a.allocateNext(), 'Full', 'range is full');
  a.release(40005);
  assert.equal(a.allocateNext(), 40005);
});

test('allocateNext prefers the upper band (KEP-3668)', () => {
  const low = new PortAllocator({ base: 30000, size: 2768, random: () => 0 });
  assert.equal(low.allocateNext(), 30086); // offset min(max(16, 2768/32), 128) = 86
  const a = new PortAllocator({ base: 30000, size: 2768 });
  const ports = Array.from({ length: 2768 - 86 }, () => a.allocateNext());
  assert.ok(ports.every((p) => p >= 30086));
  assert.ok(a.allocateNext() < 30086);
});

const ranges = [
  { in: '30000-32767', want: { base: 30000, size: 2768 } },
  { in: '8000', want: { base: 8000, size: 1 } },
  { in: ' 1-65535 ', want: { base: 1, size: 65535 } },
  { in: '32767-30000', want: undefined },
  { in: '0-10', want: undefined },
  { in: '1-65536', want: undefined },
  { in: 'a-b', want: undefined },
];
for (const c of ranges) {
  test(`parsePortRange ${JSON.stringify(c.in)}`, () => {
    if (c.want) assert.deepEqual(parsePortRange(c.in), c.want);
    else assert.throws(() => parsePortRange(c.in), TypeError);
  });
}

test('constructor refuses ranges outside 1-65535', () => {
  assert.throws(() => new PortAllocator({ base: 0, size: 10 }), RangeError);
  assert.throws(() => new PortAllocator({ base: 65530, size: 10 }), RangeError);
  assert.throws(() => new PortAllocator({ base: 30000, size: 0 }), RangeError);
});
