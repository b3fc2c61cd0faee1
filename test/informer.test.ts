// @kubernetes/client-node's list/watch informer over Services sees every add, update and delete, in order.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { clientFor, eventually, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';

describe('client-node informer', { timeout: 60_000 }, () => {
  let p: Portico;
  before(async () => { p = await startPortico(); });

  test('sees every change in order', async () => {
    const { kc, core } = clientFor(p);
    const ns = 'informer';
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/services`, () => core.listNamespacedService({ namespace: ns }));
    informer.on('add', (s) => seen.push(`add ${s.metadata?.name} ${s.metadata?.labels?.['v'] ?? ''}`));
    informer.on('update', (s) => seen.push(`update ${s.metadata?.name} ${s.metadata?.labels?.['v'] ?? ''}`));
    informer.on('delete', (s) => seen.push(`delete ${s.metadata?.name}`));
    informer.on('error', (e) => seen.push(`error ${String(e)}`));
    await informer.start();
    try {
      const want: string[] = [];
      const svc = (name: string, v: string): k8s.V1Service => ({ metadata: { name, labels: { v } }, spec: { ports: [{ port: 80 }] } });
      for (let i = 0; i < 5; i++) {
        const name = `s${i}`;
        await core.createNamespacedService({ namespace: ns, body: svc(name, '1') });
        want.push(`add ${name} 1`);
        await core.patchNamespacedService({ namespace: ns, name, body: { metadata: { labels: { v: '2' } } } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
        want.push(`update ${name} 2`);
        if (i % 2 === 0) { await core.deleteNamespacedService({ namespace: ns, name }); want.push(`delete ${name}`); }
      }
      await eventually(async () => seen.length >= want.length, 10_000);
      assert.deepEqual(seen, want);
      assert.deepEqual(informer.list().map((s) => s.metadata?.name).sort(), ['s1', 's3']);
    } finally {
      await informer.stop();
    }
  });
});
