import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../../../lib/errors.ts';
import { readFields, readVarint, toDouble, toInt32, toInt64, unpackFixed, unpackVarints, Writer } from './wire.ts';

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/ /g, ''), 'hex');

test('readVarint', () => {
  const cases = [
    { desc: 'one byte', in: '05', want: [5n, 1] },
    { desc: '300', in: 'ac 02', want: [300n, 2] },
    { desc: 'max uint64', in: 'ff ff ff ff ff ff ff ff ff 01', want: [18446744073709551615n, 10] },
    { desc: 'trailing bytes ignored', in: '01 ff', want: [1n, 1] },
  ] as const;
  for (const c of cases) assert.deepEqual(readVarint(hex(c.in), 0), c.want, c.desc);
});

test('signed and floating reinterpretation', () => {
  const cases = [
    { desc: 'int32 -1 (10 bytes on the wire)', in: () => toInt32(readVarint(hex('ff ff ff ff ff ff ff ff ff 01'), 0)[0]), want: -1 },
    { desc: 'int64 Go zero time', in: () => toInt64(BigInt.asUintN(64, -62135596800n)), want: -62135596800 },
    { desc: 'int64 positive', in: () => toInt64(1700000000n), want: 1700000000 },
    { desc: 'double 1.5', in: () => toDouble(0x3ff8000000000000n), want: 1.5 },
  ];
  for (const c of cases) assert.equal(c.in(), c.want, c.desc);
});

test('readFields splits a message', () => {
  // field 1 varint 150, field 2 string "hi", field 3 fixed64 1, field 4 fixed32 2
  const fs = readFields(hex('08 96 01 12 02 68 69 19 01 00 00 00 00 00 00 00 25 02 00 00 00'));
  assert.deepEqual(fs.map((f) => [f.num, f.wire, f.varint, Buffer.from(f.bytes).toString()]), [
    [1, 0, 150n, ''], [2, 2, 0n, 'hi'], [3, 1, 1n, ''], [4, 5, 2n, ''],
  ]);
});

test('packed repeated', () => {
  assert.deepEqual(unpackVarints(hex('03 8e 02 9e a7 05')), [3n, 270n, 86942n]);
  assert.deepEqual(unpackFixed(hex('01 00 00 00 02 00 00 00'), 4), [1n, 2n]);
});

test('malformed input is a 400', () => {
  const cases = [
    { desc: 'truncated varint', in: '08 96' },
    { desc: 'length beyond the end', in: '12 05 68 69' },
    { desc: 'group wire type', in: '0b' },
    { desc: 'field number 0', in: '00 01' },
    { desc: 'truncated fixed64', in: '19 01 00' },
  ];
  for (const c of cases) {
    assert.throws(() => readFields(hex(c.in)), (e: unknown) => isApiError(e) && e.code === 400, c.desc);
  }
});

test('Writer round-trips through readFields', () => {
  const inner = new Writer().string(1, 'x').finish();
  const b = new Writer().uint(1, 300).uint(2, -1).bool(3, true).double(4, 2.5).string(5, 'héllo').bytes(6, inner).finish();
  const fs = readFields(b);
  assert.equal(fs[0]?.varint, 300n);
  assert.equal(toInt32(fs[1]?.varint ?? 0n), -1);
  assert.equal(fs[2]?.varint, 1n);
  assert.equal(toDouble(fs[3]?.varint ?? 0n), 2.5);
  assert.equal(Buffer.from(fs[4]?.bytes ?? []).toString(), 'héllo');
  assert.deepEqual(readFields(fs[5]?.bytes ?? new Uint8Array()).map((f) => Buffer.from(f.bytes).toString()), ['x']);
});
