// ReplicaSets and ReplicationControllers claim pods as kube's do, over the real Registry: an orphan that
// matches is adopted (and counts toward replicas), a pod relabelled out of the selector is released and
// replaced, another controller's pod is never taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../apiserver/registry/index.ts';
import type { KubeObject } from '../../api/types.ts';
import { EmbeddedSource } from '../../client/index.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { startControllers } from '../index.ts';
import type { Pod } from '../shared/types.ts';
import { WORKLOADS } from './workload-util.ts';

async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const start = performance.now();
  for (;;) {
    try { await check(); return; } catch (err) {
      if (performance.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<EmbeddedSource> {
  const store = new MemoryStore();
  const registry = await createRegistry({ store, serviceCIDR: '127.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  try { await registry.create({ ...WORKLOADS.pods, resource: 'namespaces', kind: 'Namespace', namespaced: false } as never, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }); } catch { /* bootstrap may exist */ }
  const source = new EmbeddedSource(registry);
  const ac = new AbortController();
  const running = await startControllers({ source, signal: ac.signal, onError: () => {} });
  t.after(async () => { ac.abort(); await running.done; await store.close(); });
  return source;
}

const pod = (name: string, labels: Record<string, string>, owner?: KubeObject): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', labels, ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true }] } : {}) },
  spec: { nodeName: 'elsewhere', containers: [{ name: 'c', image: 'x' }] },
});

const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { nodeName: 'elsewhere', containers: [{ name: 'c', image: 'x' }] } });

async function podsOf(source: EmbeddedSource, app: string): Promise<Pod[]> {
  return ((await source.list(WORKLOADS.pods, 'default')).items as Pod[]).filter((p) => p.metadata?.labels?.['app'] === app && !p.metadata.deletionTimestamp);
}
const controller = (p: Pod | undefined) => p?.metadata?.ownerReferences?.find((r) => r.controller);

test('a ReplicaSet adopts a matching orphan, leaves another controller\'s pod, and releases a relabelled one', async (t) => {
  const source = await setup(t);
  await source.create(WORKLOADS.pods, pod('orphan', { app: 'web' }));
  const other = await source.create(WORKLOADS.replicaSets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'other', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web', tier: 'x' } }, template: template({ app: 'web', tier: 'x' }) },
  });
  // matched by both selectors, controlled by the other ReplicaSet
  await source.create(WORKLOADS.pods, pod('foreign', { app: 'web', tier: 'x' }, other));
  const rs = await source.create(WORKLOADS.replicaSets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  });
  const uid = rs.metadata?.uid;
  // the orphan is adopted and counts: one pod created, not two
  await eventually(async () => {
    const mine = (await podsOf(source, 'web')).filter((p) => controller(p)?.uid === uid);
    assert.equal(mine.length, 2);
    assert.ok(mine.some((p) => p.metadata?.name === 'orphan'), 'the orphan is one of them');
  });
  // the other ReplicaSet's pods (foreign, or the one it made itself) match both selectors and stay its own
  const others = (await podsOf(source, 'web')).filter((p) => p.metadata?.labels?.['tier'] === 'x');
  assert.ok(others.length > 0);
  for (const p of others) assert.equal(controller(p)?.uid, other.metadata?.uid, `${p.metadata?.name}: another controller's pod is not taken`);

  // relabelled out of the selector: released (no ownerReference to the ReplicaSet) and replaced
  await source.patch(WORKLOADS.pods, 'default', 'orphan', 'merge', { metadata: { labels: { app: 'debug' } } });
  await eventually(async () => {
    const released = (await source.get(WORKLOADS.pods, 'default', 'orphan')) as Pod;
    assert.equal(released.metadata?.ownerReferences?.some((r) => r.uid === uid) ?? false, false);
    const mine = (await podsOf(source, 'web')).filter((p) => controller(p)?.uid === uid);
    assert.equal(mine.length, 2);
    assert.ok(!mine.some((p) => p.metadata?.name === 'orphan'));
  });
});

test('a ReplicationController adopts by its equality selector', async (t) => {
  const source = await setup(t);
  await source.create(WORKLOADS.pods, pod('lone', { app: 'rc' }));
  const rc = await source.create(WORKLOADS.replicationControllers, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'default' },
    spec: { replicas: 1, selector: { app: 'rc' }, template: template({ app: 'rc' }) },
  });
  await eventually(async () => {
    const pods = await podsOf(source, 'rc');
    assert.equal(pods.length, 1, 'the orphan fills the one replica');
    assert.equal(controller(pods[0])?.uid, rc.metadata?.uid);
  });
});

test('a Deployment deleted with --cascade=orphan and created again adopts its ReplicaSet and keeps the pods', async (t) => {
  const source = await setup(t);
  const spec = { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: template({ app: 'api' }) };
  const first = await source.create(WORKLOADS.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec });
  const rsOf = async () => ((await source.list(WORKLOADS.replicaSets, 'default')).items).filter((r) => r.metadata?.labels?.['app'] === 'api' && !r.metadata.deletionTimestamp);
  await eventually(async () => { assert.equal((await podsOf(source, 'api')).length, 2); });
  const [rs] = await rsOf();
  const podNames = (await podsOf(source, 'api')).map((p) => p.metadata?.name).sort();
  await source.delete(WORKLOADS.deployments, 'default', 'api', { propagationPolicy: 'Orphan' });
  await eventually(async () => {
    const [orphan] = await rsOf();
    assert.equal(orphan?.metadata?.uid, rs?.metadata?.uid);
    assert.equal(orphan?.metadata?.ownerReferences?.find((r) => r.controller), undefined);
    await assert.rejects(source.get(WORKLOADS.deployments, 'default', 'api'), { code: 404 }); // the orphan finalizer is done
  });
  const second = await source.create(WORKLOADS.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec });
  assert.notEqual(second.metadata?.uid, first.metadata?.uid);
  await eventually(async () => {
    const all = await rsOf();
    assert.equal(all.length, 1, 'no second ReplicaSet');
    assert.equal(all[0]?.metadata?.uid, rs?.metadata?.uid);
    assert.equal(all[0]?.metadata?.ownerReferences?.find((r) => r.controller)?.uid, second.metadata?.uid);
    const d = await source.get(WORKLOADS.deployments, 'default', 'api') as { status?: { replicas?: number } };
    assert.equal(d.status?.replicas, 2);
  });
  assert.deepEqual((await podsOf(source, 'api')).map((p) => p.metadata?.name).sort(), podNames);
});

test('a DaemonSet deleted with --cascade=orphan and created again adopts its pods instead of starting new ones', async (t) => {
  const source = await setup(t);
  for (const name of ['n1', 'n2']) await source.create(WORKLOADS.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const spec = { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } };
  const first = await source.create(WORKLOADS.daemonSets, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec });
  await eventually(async () => { assert.equal((await podsOf(source, 'agent')).length, 2); });
  const podNames = (await podsOf(source, 'agent')).map((p) => p.metadata?.name).sort();
  await source.delete(WORKLOADS.daemonSets, 'default', 'agent', { propagationPolicy: 'Orphan' });
  await eventually(async () => {
    for (const p of await podsOf(source, 'agent')) assert.equal(controller(p), undefined);
    await assert.rejects(source.get(WORKLOADS.daemonSets, 'default', 'agent'), { code: 404 }); // the orphan finalizer is done
  });
  const second = await source.create(WORKLOADS.daemonSets, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec });
  assert.notEqual(second.metadata?.uid, first.metadata?.uid);
  await eventually(async () => {
    const pods = await podsOf(source, 'agent');
    assert.deepEqual(pods.map((p) => p.metadata?.name).sort(), podNames);
    for (const p of pods) assert.equal(controller(p)?.uid, second.metadata?.uid);
  });
});
