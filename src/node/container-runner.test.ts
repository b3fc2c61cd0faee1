// ContainerRunner with real host processes: restart policy and back-off, and a graceful stop that runs
// the preStop hook before SIGTERM.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { V1Container } from '@kubernetes/client-node';
import { ContainerLog } from './container-log.ts';
import { ContainerRunner } from './container-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runner(name: string, c: Partial<V1Container>, restartPolicy = 'Always'): { r: ContainerRunner; log: ContainerLog; changed: () => Promise<void> } {
  const log = new ContainerLog(join(dir, name));
  let wake: (() => void) | undefined;
  const container: V1Container = { name, image: 'x', ...c };
  const r = new ContainerRunner({
    container, podIP: '127.0.0.1', restartPolicy, graceSeconds: 5, log,
    prepare: () => ({ argv: container.command ?? [], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, cwd: dir }),
    onChange: () => wake?.(),
  });
  return { r, log, changed: () => new Promise<void>((res) => { wake = res; }) };
}

async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a crashing container restarts at once, then backs off (CrashLoopBackOff)', async () => {
  const { r } = runner('crash', { command: ['sh', '-c', 'exit 3'] });
  r.start();
  await until(() => r.status('x').restartCount >= 2 && r.status('x').state?.waiting?.reason === 'CrashLoopBackOff');
  const s = r.status('x');
  assert.equal(s.lastState?.terminated?.exitCode, 3);
  assert.match(s.state?.waiting?.message ?? '', /^back-off 10s restarting failed container=crash$/);
  await r.stop();
  assert.equal(r.terminatedForGood, true);
});

test('OnFailure: a clean exit is final (Completed)', async () => {
  const { r } = runner('done', { command: ['sh', '-c', 'echo bye'] }, 'OnFailure');
  r.start();
  await until(() => r.terminatedForGood);
  const s = r.status('x');
  assert.equal(s.restartCount, 0);
  assert.equal(s.state?.terminated?.exitCode, 0);
  assert.equal(s.state?.terminated?.reason, 'Completed');
});

test('stop runs preStop, then SIGTERM; the container is not ready while stopping', async () => {
  const script = 'trap "echo got-term; exit 0" TERM; echo up; while :; do sleep 0.05; done';
  const { r, log } = runner('graceful', { command: ['sh', '-c', script], lifecycle: { preStop: { exec: { command: ['sh', '-c', `echo pre-stop > ${join(dir, 'hook')}; sleep 1`] } } } });
  r.start();
  await until(() => readFileSync(log.currentPath, 'utf8').includes('up'));
  assert.equal(r.ready, true);
  const t0 = Date.now();
  const stopping = r.stop();
  assert.equal(r.ready, false);
  await stopping;
  const took = Date.now() - t0;
  assert.ok(took >= 900, `SIGTERM came after the 1 s hook (${took} ms)`);
  assert.ok(took < 4_000, `and well before the 5 s grace ran out (${took} ms)`);
  assert.equal(readFileSync(join(dir, 'hook'), 'utf8'), 'pre-stop\n');
  assert.match(readFileSync(log.currentPath, 'utf8'), / stdout got-term\n$/);
  assert.equal(r.status('x').state?.terminated?.exitCode, 0);
});

test('a process ignoring SIGTERM is killed when the grace period ends', async () => {
  const { r } = runner('stubborn', { command: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'] });
  r.start();
  await until(() => r.running);
  await new Promise((res) => setTimeout(res, 200));
  const t0 = Date.now();
  await r.stop(1);
  assert.ok(Date.now() - t0 >= 900);
  assert.equal(r.status('x').state?.terminated?.exitCode, 137);
});
