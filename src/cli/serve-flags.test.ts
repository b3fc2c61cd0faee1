import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { serveNodeFlags } from './serve-flags.ts';

test("serve flags: a 64 MiB young generation unless the user's own flags give a size", () => {
  assert.deepEqual(serveNodeFlags([]), ['--max-semi-space-size=64']);
  assert.deepEqual(serveNodeFlags(['--max-semi-space-size=16']), []);
  assert.deepEqual(serveNodeFlags(['', '--max-old-space-size=512 --max-semi-space-size=8']), []);
});

test('serve flags: this Node accepts every flag', () => {
  const out = execFileSync(process.execPath, [...serveNodeFlags([]), '-e', 'process.stdout.write("ok")'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(out, 'ok');
});
