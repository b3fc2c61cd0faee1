// `portico logs` reads a pod's log the way `kubectl logs` does: whole, --tail, -f streaming, errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { NODE, PORTICO, clientFor, eventually, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';
import { logsQuery } from '../src/cli/logs-command.ts';

describe('portico logs', { timeout: 120_000 }, () => {
  let p: Portico;
  before(async () => {
    p = await startPortico();
    const { core } = clientFor(p);
    await core.createNamespacedPod({
      namespace: 'default', body: {
        metadata: { name: 'counter' },
        spec: { containers: [{ name: 'count', image: 'busybox', command: ['sh', '-c', 'i=0; while :; do echo "line $i"; i=$((i+1)); sleep 0.2; done'] }] },
      },
    });
    await eventually(async () => (await core.readNamespacedPod({ namespace: 'default', name: 'counter' })).status?.phase === 'Running', 60_000, 200);
  });
  after(() => p?.stop());

  test('flags become the log subresource query', () => {
    assert.equal(logsQuery({ follow: true, previous: false, timestamps: false, tail: '5', container: 'c' }), '?container=c&follow=true&tailLines=5');
    assert.equal(logsQuery({ follow: false, previous: true, timestamps: false, tail: '-1', since: '2m' }), '?previous=true&sinceSeconds=120');
    assert.throws(() => logsQuery({ follow: false, previous: false, timestamps: false, tail: 'x' }), /invalid --tail "x"/);
  });

  test('whole log and --tail', async () => {
    await eventually(async () => ((await p.portico(['--kubeconfig', p.kubeconfig, 'logs', 'counter'])).stdout.match(/\n/g)?.length ?? 0) >= 3, 30_000, 200);
    const all = await p.portico(['--kubeconfig', p.kubeconfig, 'logs', 'counter']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^line 0\nline 1\nline 2\n(line \d+\n)*$/);
    const tail = await p.portico(['--kubeconfig', p.kubeconfig, 'logs', 'pod/counter', '--tail', '2', '-c', 'count']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /^line \d+\nline \d+\n$/);
  });

  test('-f streams lines written after it started', async () => {
    const f = spawn(NODE, [PORTICO, '--kubeconfig', p.kubeconfig, 'logs', '-f', 'counter', '--tail=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    f.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      const first = Number(await eventually(async () => /line (\d+)\n/.exec(out)?.[1], 30_000, 50));
      await eventually(async () => out.includes(`line ${first + 3}\n`), 30_000, 50);
      assert.match(out, /^(line \d+\n)+$/);
    } finally {
      f.kill('SIGKILL');
    }
  });

  test('a missing pod is the server\'s NotFound', async () => {
    const r = await p.portico(['--kubeconfig', p.kubeconfig, 'logs', 'nope']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  });
});
