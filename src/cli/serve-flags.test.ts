import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { serveNodeFlags } from './serve-flags.ts';

test('serve flags: the young generation size, no memory reducer, and main-thread GC on one CPU only', () => {
  assert.deepEqual(serveNodeFlags([], 4), ['--max-semi-space-size=64', '--no-memory-reducer']);
  assert.deepEqual(serveNodeFlags([], 1), ['--max-semi-space-size=64', '--no-memory-reducer', '--single-threaded-gc']);
});

test("serve flags: the user's own V8 flags win", () => {
  assert.deepEqual(serveNodeFlags(['--max-semi-space-size=16', '--memory-reducer', '--no-single-threaded-gc'], 1), []);
  assert.deepEqual(serveNodeFlags(['', '--max-old-space-size=512 --max-semi-space-size=8'], 2), ['--no-memory-reducer']);
});

test('serve flags: this Node accepts every flag', () => {
  const out = execFileSync(process.execPath, [...serveNodeFlags([], 1), '-e', 'process.stdout.write("ok")'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(out, 'ok');
});
