// The controllers together over a FakeSource: endpoints and slices follow pods, mirroring, GC, namespaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.ts';
import { FakeSource } from '../client/sources/fake-source.ts';
import { startControllers } from './index.ts';
import { INFO } from './shared/types.ts';
import type { EndpointSlice, Endpoints, Pod } from './shared/types.ts';
import { pod, service } from './testing/fixtures.ts';

// eventually polls check until it returns without throwing, for at most ms; it returns the time taken.
async function eventually(check: () => Promise<void> | void, ms = 2000): Promise<number> {
  const start = performance.now();
  for (;;) {
    try { await check(); return performance.now() - start; } catch (err) {
      if (performance.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, opts: { endpointsPerSlice?: number } = {}) {
  const src = new FakeSource();
  const ac = new AbortController();
  const errors: string[] = [];
  const running = await startControllers({ source: src, signal: ac.signal, ...opts, onError: (e, where) => errors.push(`${where}: ${String(e)}`) });
  t.after(async () => { ac.abort(); await running.done; });
  return { src, errors };
}

const ips = (objs: KubeObject[]) => objs.flatMap((s) => ((s as EndpointSlice).endpoints ?? []).map((e) => `${e.addresses[0]}:${e.conditions?.ready}`)).sort();

async function setReady(src: FakeSource, name: string, ready: boolean): Promise<void> {
  const p = await src.get(INFO.pods, 'default', name) as Pod;
  p.status = { ...p.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  await src.update(INFO.pods, p, 'status');
}

test('Endpoints and EndpointSlices follow pods within 100 ms', async (t) => {
  const { src, errors } = await setup(t);
  await src.create(INFO.pods, pod({ name: 'a', ip: '127.244.0.1' }));
  await src.create(INFO.pods, pod({ name: 'b', ip: '127.244.0.2' }));
  await src.create(INFO.services, service());
  await eventually(async () => {
    const ep = await src.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip), ['127.244.0.1', '127.244.0.2']);
    assert.deepEqual(ips(src.objects(INFO.endpointSlices, 'default')), ['127.244.0.1:true', '127.244.0.2:true']);
  });
  const flip = await (async () => { await setReady(src, 'b', false); return eventually(async () => {
    const ep = await src.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.deepEqual(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip), ['127.244.0.2']);
    assert.deepEqual(ips(src.objects(INFO.endpointSlices, 'default')), ['127.244.0.1:true', '127.244.0.2:false']);
  }); })();
  assert.ok(flip < 100, `readiness flip took ${flip} ms`);
  await src.delete(INFO.pods, 'default', 'a');
  const del = await eventually(async () => {
    const ep = await src.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.equal(ep.subsets?.[0]?.addresses, undefined);
    assert.deepEqual(ips(src.objects(INFO.endpointSlices, 'default')), ['127.244.0.2:false']);
  });
  assert.ok(del < 100, `pod deletion took ${del} ms`);
  assert.equal(src.objects(INFO.endpointSlices, 'default').length, 1);
  assert.deepEqual(errors, []);
});

test('slices hold at most endpointsPerSlice endpoints', async (t) => {
  const { src } = await setup(t, { endpointsPerSlice: 2 });
  for (let i = 1; i <= 5; i++) await src.create(INFO.pods, pod({ name: `p${i}`, ip: `127.244.0.${i}` }));
  await src.create(INFO.services, service());
  await eventually(() => {
    const slices = src.objects(INFO.endpointSlices, 'default') as EndpointSlice[];
    assert.deepEqual(slices.map((s) => s.endpoints?.length).sort(), [1, 2, 2]);
  });
});

test('GC deletes slices and the Service delete removes Endpoints', async (t) => {
  const { src } = await setup(t);
  await src.create(INFO.pods, pod({ name: 'a', ip: '127.244.0.1' }));
  await src.create(INFO.services, service());
  await eventually(() => assert.equal(src.objects(INFO.endpointSlices, 'default').length, 1));
  await src.delete(INFO.services, 'default', 'web');
  await eventually(() => {
    assert.equal(src.objects(INFO.endpointSlices, 'default').length, 0);
    assert.equal(src.objects(INFO.endpoints, 'default').length, 0);
  });
});

test('GC foreground and orphan deletion', async (t) => {
  const { src } = await setup(t);
  const owner = await src.create(INFO.services, service({ name: 'owner', selector: null }));
  const ref = { apiVersion: 'v1', kind: 'Service', name: 'owner', uid: owner.metadata?.uid ?? '', blockOwnerDeletion: true };
  await src.create(INFO.pods, { ...pod({ name: 'dep' }), metadata: { name: 'dep', namespace: 'default', ownerReferences: [ref] } });
  await src.delete(INFO.services, 'default', 'owner', { propagationPolicy: 'Orphan' });
  await eventually(async () => {
    assert.equal(src.objects(INFO.services, 'default').length, 0);
    const dep = await src.get(INFO.pods, 'default', 'dep');
    assert.deepEqual(dep.metadata?.ownerReferences, []);
  });
  const owner2 = await src.create(INFO.services, service({ name: 'owner2', selector: null }));
  const ref2 = { ...ref, name: 'owner2', uid: owner2.metadata?.uid ?? '' };
  await src.create(INFO.pods, { ...pod({ name: 'dep2' }), metadata: { name: 'dep2', namespace: 'default', ownerReferences: [ref2] } });
  await src.delete(INFO.services, 'default', 'owner2', { propagationPolicy: 'Foreground' });
  await eventually(() => {
    assert.deepEqual(src.objects(INFO.pods, 'default').map((p) => p.metadata?.name), ['dep']);
    assert.equal(src.objects(INFO.services, 'default').length, 0);
  });
});

test('manual Endpoints of a selector-less Service are mirrored', async (t) => {
  const { src } = await setup(t);
  await src.create(INFO.services, service({ name: 'ext', selector: null }));
  await src.create(INFO.endpoints, {
    metadata: { name: 'ext', namespace: 'default', labels: { team: 'a' } },
    subsets: [{ addresses: [{ ip: '192.0.2.1' }], notReadyAddresses: [{ ip: '192.0.2.2' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
  });
  await eventually(() => {
    const [s, more] = src.objects(INFO.endpointSlices, 'default') as EndpointSlice[];
    assert.equal(more, undefined);
    assert.equal(s?.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(s?.metadata?.labels?.['team'], 'a');
    assert.deepEqual(ips([s as KubeObject]), ['192.0.2.1:true', '192.0.2.2:false']);
  });
  // The Endpoints controller never touched it.
  assert.deepEqual(src.writes(INFO.endpoints).filter((a) => a.verb !== 'create'), []);
  await src.delete(INFO.endpoints, 'default', 'ext');
  await eventually(() => assert.equal(src.objects(INFO.endpointSlices, 'default').length, 0));
});

test('a terminating namespace is emptied and finalized', async (t) => {
  const { src } = await setup(t);
  await src.create(INFO.namespaces, { metadata: { name: 'tmp' }, spec: { finalizers: ['kubernetes'] } });
  await src.create(INFO.pods, pod({ name: 'a', ip: '127.244.0.1', namespace: 'tmp' }));
  await src.create(INFO.services, { ...service(), metadata: { name: 'web', namespace: 'tmp' } });
  await src.delete(INFO.namespaces, undefined, 'tmp');
  await eventually(() => {
    assert.equal(src.objects(INFO.namespaces).length, 0);
    for (const info of [INFO.pods, INFO.services, INFO.endpoints, INFO.endpointSlices]) assert.equal(src.objects(info, 'tmp').length, 0, info.resource);
  });
});
