// ProcessHost: containers started from the helper process log, report pids and exit codes, and run
// exec probes; closing the host ends the helper and nothing it started survives.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ContainerLog } from './container-log.ts';
import { ProcessHost } from './process-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

function alive(pid: number): boolean {
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1')); } catch { return false; }
}

test('ProcessHost: start, log, exit code, exec probes, close', async () => {
  const errors: unknown[] = [];
  const host = new ProcessHost({ onError: (e) => errors.push(e) });
  const log = new ContainerLog(join(dir, 'c1'));
  log.rotate();
  const quick = host.spawn({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 7'], env, cwd: dir, log });
  const x = await quick.exited;
  assert.equal(x.exitCode, 7);
  const text = readFileSync(log.currentPath, 'utf8');
  assert.match(text, /^\S+ stdout out\n/m);
  assert.match(text, /^\S+ stderr err\n/m);

  const long = host.spawn({ argv: ['sh', '-c', 'sleep 30 & exec sleep 31'], env, cwd: dir, log: new ContainerLog(join(dir, 'c2')) });
  await long.pidKnown;
  const pid = long.pid ?? 0;
  assert.ok(pid > 0 && alive(pid));
  assert.equal(await host.exec(['true'], env, dir, 5_000), true);
  assert.equal(await host.exec(['sh', '-c', 'exit 1'], env, dir, 5_000), false);
  long.signal('SIGTERM');
  assert.equal((await long.exited).exitCode, 143);

  const orphan = host.spawn({ argv: ['sleep', '30'], env, cwd: dir, log: new ContainerLog(join(dir, 'c3')) });
  await orphan.pidKnown;
  await host.close();
  const end = Date.now() + 5_000;
  while (alive(orphan.pid ?? 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(orphan.pid ?? 0), false, 'closing the host kills what it still runs');
  assert.deepEqual(errors, []);
});
