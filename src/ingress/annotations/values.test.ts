import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValueError, parseBool, parseCidr, parseSeconds, parseSize } from './values.ts';

const cases: Array<{ desc: string; got: unknown; want: unknown }> = [
  { desc: 'bool true spellings', got: ['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseBool), want: [true, true, true, true, true, true] },
  { desc: 'bool false spellings', got: ['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseBool), want: [false, false, false, false, false, false] },
  { desc: 'bool rejects yes/on', got: ['yes', 'on', ''].map((s) => isValueError(parseBool(s))), want: [true, true, true] },
  { desc: 'sizes', got: ['0', '512', '1k', '1K', '8m', '1M', '2g'].map(parseSize), want: [0, 512, 1024, 1024, 8 * 1024 ** 2, 1024 ** 2, 2 * 1024 ** 3] },
  { desc: 'bad sizes', got: ['8mb', '1.5m', '-1', 'm', ''].map((s) => isValueError(parseSize(s))), want: [true, true, true, true, true] },
  { desc: 'seconds', got: ['0', '5', '120'].map(parseSeconds), want: [0, 5000, 120000] },
  { desc: 'bad seconds', got: ['5s', '1m', '-1', '0.5'].map((s) => isValueError(parseSeconds(s))), want: [true, true, true, true] },
  { desc: 'CIDRs and bare addresses', got: ['10.0.0.0/24', '172.10.0.1', '::1', '2001:db8::/32', '10.0.0.0/08'].map(parseCidr), want: ['10.0.0.0/24', '172.10.0.1/32', '::1/128', '2001:db8::/32', '10.0.0.0/8'] },
  { desc: 'bad CIDRs', got: ['10.0.0.0/33', '::/129', 'office', '10.0.0/8', '10.0.0.0/'].map((s) => isValueError(parseCidr(s))), want: [true, true, true, true, true] },
];

for (const c of cases) test(`values: ${c.desc}`, () => assert.deepEqual(c.got, c.want));
