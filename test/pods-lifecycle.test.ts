// No pod process outlives `portico serve`: after SIGTERM, and after SIGKILL (the parent-death pipe),
// /proc holds no process carrying the test's marker — grandchildren included. A restart on the same data
// dir adopts nothing and runs the desired pods again, as new processes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { clientFor, eventually, startPortico, tempDir } from './harness.ts';
import type { Portico } from './harness.ts';
import { START_MS, alive, childPids, containerPid, markedPids, newMarker, runNetwork } from './workloads-fixtures.ts';

const NS = 'default';

// sleepers is a Deployment whose pods start a grandchild too (the process group must die whole).
function sleepers(marker: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: sleepers}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: sleepers}}
  template:
    metadata: {labels: {app: sleepers}}
    spec:
      containers:
      - name: s
        image: sleeper
        command: [sh, -c, 'sleep 3600 & exec sleep 3601']
        env: [{name: MARKER, value: ${marker}}]
`;
}

// bounded rejects with why() when work takes longer than ms.
async function bounded<T>(work: Promise<T>, ms: number, why: () => string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, rej) => { t = setTimeout(() => rej(new Error(why())), ms); });
  try { return await Promise.race([work, late]); } finally { clearTimeout(t); }
}

async function runningPods(core: k8s.CoreV1Api, n: number): Promise<k8s.V1Pod[] | undefined> {
  const l = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=sleepers' })).items;
  return l.length === n && l.every((x) => x.status?.phase === 'Running' && containerPid(x)) ? l : undefined;
}

async function startWithSleepers(marker: string, args: string[], dataDir: string, replicas: number): Promise<{ p: Portico; core: k8s.CoreV1Api; pods: k8s.V1Pod[] }> {
  const p = await startPortico({ args, dataDir, timeoutMs: START_MS });
  const { core } = clientFor(p);
  const r = await p.kubectl(['apply', '-f', '-'], { stdin: sleepers(marker, replicas) });
  assert.equal(r.code, 0, r.stderr);
  const pods = await eventually(() => runningPods(core, replicas), 60_000, 200);
  // Each pod: the wrapper's watcher, the container's sh → sleep 3601, and its sleep 3600 child.
  await eventually(async () => markedPids(marker).length >= replicas * 2, 10_000, 100);
  return { p, core, pods };
}

describe('pods: no process outlives portico serve', { timeout: 560_000 }, () => {
  test('SIGTERM: serve stops its pods (and their children) before exiting', { timeout: 240_000 }, async () => {
    const marker = newMarker();
    const { p } = await startWithSleepers(marker, runNetwork().args, tempDir(), 3);
    const helpers = childPids(p.pid, 'process-host-main');
    assert.equal(helpers.length, 1, 'serve spawns pods through one helper process');
    const code = await bounded(p.stop('SIGTERM'), 30_000, () => `serve did not exit after SIGTERM\n${p.logs().slice(-3000)}`);
    assert.equal(code, 0, p.logs().slice(-2000));
    await eventually(async () => markedPids(marker).length === 0, 10_000, 100).catch(() => {
      assert.deepEqual(markedPids(marker), [], 'processes left behind after SIGTERM');
    });
    await eventually(async () => helpers.every((h) => !alive(h)), 10_000, 100);
  });

  test('SIGKILL: the pods die with serve; a restart on the same data dir runs them again as new processes', { timeout: 280_000 }, async () => {
    const marker = newMarker();
    const dataDir = tempDir();
    const args = runNetwork().args;
    const first = await startWithSleepers(marker, args, dataDir, 2);
    const oldPids = first.pods.map((x) => containerPid(x) ?? 0);
    const oldIPs = first.pods.map((x) => x.status?.podIP).sort();
    const helpers = childPids(first.p.pid, 'process-host-main');
    assert.equal(helpers.length, 1);
    await first.p.kill9();
    await eventually(async () => markedPids(marker).length === 0, 15_000, 100).catch(() => {
      assert.deepEqual(markedPids(marker), [], 'processes left behind after SIGKILL');
    });
    for (const pid of oldPids) assert.equal(alive(pid), false);
    await eventually(async () => helpers.every((h) => !alive(h)), 10_000, 100);

    const second = await startPortico({ args, dataDir, timeoutMs: START_MS });
    const { core } = clientFor(second);
    const again = await eventually(async () => {
      const l = await runningPods(core, 2);
      return l && l.every((x) => !oldPids.includes(containerPid(x) ?? 0)) ? l : undefined;
    }, 60_000, 200);
    for (const x of again) assert.ok(alive(containerPid(x) ?? 0), `pod ${x.metadata?.name ?? ''} runs`);
    assert.deepEqual(again.map((x) => x.status?.podIP).sort(), oldIPs, 'pods keep their IPs across a restart');
    const code = await bounded(second.stop('SIGTERM'), 30_000, () => `serve did not exit after SIGTERM\n${second.logs().slice(-3000)}`);
    assert.equal(code, 0);
    await eventually(async () => markedPids(marker).length === 0, 10_000, 100);
  });
});
