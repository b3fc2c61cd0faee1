// The controllers over the real Registry (MemoryStore) through the EmbeddedSource: defaulting,
// validation and admission apply, as in `portico serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../apiserver/registry/index.ts';
import type { Registry } from '../apiserver/registry/index.ts';
import type { KubeObject } from '../api/types.ts';
import { EmbeddedSource } from '../client/index.ts';
import { isNotFound } from '../lib/errors.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { startControllers } from './index.ts';
import { INFO } from './shared/types.ts';
import type { EndpointSlice, Endpoints, Pod } from './shared/types.ts';

async function eventually(check: () => Promise<void>, ms = 3000): Promise<number> {
  const start = performance.now();
  for (;;) {
    try { await check(); return performance.now() - start; } catch (err) {
      if (performance.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const store = new MemoryStore();
  const registry: Registry = await createRegistry({ store, serviceCIDR: '127.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  for (const name of ['default', 'tmp']) {
    try { await registry.create(INFO.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }); } catch { /* bootstrap may exist */ }
  }
  const source = new EmbeddedSource(registry);
  const ac = new AbortController();
  const errors: string[] = [];
  const running = await startControllers({ source, signal: ac.signal, onError: (e, where) => errors.push(`${where}: ${String(e)}`) });
  t.after(async () => { ac.abort(); await running.done; await store.close(); });
  return { source, errors };
}

// runPod creates a pod and reports it Running at ip, Ready or not, through /status as a kubelet would.
async function runPod(source: EmbeddedSource, namespace: string, name: string, ip: string, ready: boolean): Promise<void> {
  await source.create(INFO.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: 'web' } },
    spec: { nodeName: 'elsewhere', containers: [{ name: 'c', image: 'x', ports: [{ name: 'web', containerPort: 8080 }] }] },
  });
  await setStatus(source, namespace, name, ip, ready);
}

async function setStatus(source: EmbeddedSource, namespace: string, name: string, ip: string, ready: boolean): Promise<void> {
  const p = await source.get(INFO.pods, namespace, name) as Pod;
  p.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  await source.update(INFO.pods, p, 'status');
}

const svcObj = (namespace: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
});

async function sliceIPs(source: EmbeddedSource, namespace: string): Promise<string[]> {
  const list = await source.list(INFO.endpointSlices, namespace);
  return (list.items as EndpointSlice[]).flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses[0]}:${e.conditions?.ready}`)).sort();
}

test('Endpoints and slices follow pods over the real Registry within 100 ms', async (t) => {
  const { source, errors } = await setup(t);
  await runPod(source, 'default', 'a', '127.244.0.1', true);
  await runPod(source, 'default', 'b', '127.244.0.2', true);
  await source.create(INFO.services, svcObj('default'));
  await eventually(async () => {
    const ep = await source.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip), ['127.244.0.1', '127.244.0.2']);
    assert.deepEqual(ep.subsets?.[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(await sliceIPs(source, 'default'), ['127.244.0.1:true', '127.244.0.2:true']);
  });
  // Converged: nothing more is written (no controller fights the server's defaulting).
  await new Promise((r) => setTimeout(r, 50));
  const rv = (await source.list(INFO.pods, 'default')).metadata.resourceVersion;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await source.list(INFO.pods, 'default')).metadata.resourceVersion, rv);
  await setStatus(source, 'default', 'b', '127.244.0.2', false);
  const flip = await eventually(async () => {
    const ep = await source.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.deepEqual(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip), ['127.244.0.2']);
    assert.deepEqual(await sliceIPs(source, 'default'), ['127.244.0.1:true', '127.244.0.2:false']);
  });
  assert.ok(flip < 100, `readiness flip took ${flip} ms`);
  await source.delete(INFO.pods, 'default', 'a', { propagationPolicy: 'Background' });
  const gone = await eventually(async () => {
    assert.deepEqual(await sliceIPs(source, 'default'), ['127.244.0.2:false']);
    const ep = await source.get(INFO.endpoints, 'default', 'web') as Endpoints;
    assert.equal(ep.subsets?.[0]?.addresses, undefined);
  });
  assert.ok(gone < 100, `pod deletion took ${gone} ms`);
  await source.delete(INFO.services, 'default', 'web');
  await eventually(async () => {
    assert.deepEqual((await source.list(INFO.endpointSlices, 'default')).items, []);
    await assert.rejects(source.get(INFO.endpoints, 'default', 'web'), isNotFound);
  });
  assert.deepEqual(errors, []);
});

test('deleting a namespace empties it over the real Registry', async (t) => {
  const { source } = await setup(t);
  await runPod(source, 'tmp', 'a', '127.244.0.9', true);
  await source.create(INFO.services, svcObj('tmp'));
  await eventually(async () => assert.equal((await sliceIPs(source, 'tmp')).length, 1));
  await source.delete(INFO.namespaces, undefined, 'tmp');
  await eventually(async () => {
    await assert.rejects(source.get(INFO.namespaces, undefined, 'tmp'), isNotFound);
    for (const info of [INFO.pods, INFO.services, INFO.endpoints, INFO.endpointSlices]) {
      assert.deepEqual((await source.list(info, 'tmp')).items, [], info.resource);
    }
  });
});
