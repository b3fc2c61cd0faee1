// InformerLookup over real Informers and a FakeSource: the DNS server follows API writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byKind } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import { FakeSource } from '../client/sources/fake-source.ts';
import { Informer } from '../informer/index.ts';
import { InformerLookup } from './informer-lookup.ts';
import { createDnsServer } from './server.ts';
import { clusterIPService, headlessService, slice } from './testing/fixtures.ts';
import { queryBytes, udpExchange } from './testing/client.ts';
import { parseResponse } from './parse-response.ts';
import { RCODE, TYPE } from './records.ts';

const svcInfo = byKind('', 'v1', 'Service');
const sliceInfo = byKind('discovery.k8s.io', 'v1', 'EndpointSlice');

async function answers(port: number, name: string): Promise<{ rcode: number; n: number } | undefined> {
  const res = await udpExchange(port, queryBytes(name, TYPE.A), 200);
  const p = res ? parseResponse(res) : undefined;
  return p && { rcode: p.rcode, n: p.records.filter((r) => r.section === 'answer').length };
}

async function until(fn: () => Promise<boolean>, budgetMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    if (await fn()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2));
  }
  return Infinity;
}

test('Services and EndpointSlices written through the API resolve within 100 ms', async () => {
  assert.ok(svcInfo && sliceInfo);
  const src = new FakeSource();
  await src.create(svcInfo, { apiVersion: 'v1', kind: 'Service', ...clusterIPService('default', 'kubernetes', ['10.96.0.1']) } as KubeObject);
  const services = new Informer({ source: src, info: svcInfo });
  const slices = new Informer({ source: src, info: sliceInfo });
  const ac = new AbortController();
  const lookup = new InformerLookup({ services, slices, signal: ac.signal });
  const runs = [services.run(ac.signal), slices.run(ac.signal)];
  const server = await createDnsServer({ lookup, port: 0, upstreams: [] });
  try {
    await server.ready();
    assert.deepEqual(await answers(server.address.port, 'kubernetes.default.svc.cluster.local'), { rcode: RCODE.NOERROR, n: 1 });
    await src.create(svcInfo, { apiVersion: 'v1', kind: 'Service', ...headlessService('default', 'pets') } as KubeObject);
    await src.create(sliceInfo, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...slice('default', 'pets', 'pets-1', [{ ip: '10.244.0.1' }, { ip: '10.244.0.2' }]) } as KubeObject);
    const t = await until(async () => (await answers(server.address.port, 'pets.default.svc.cluster.local'))?.n === 2, 1000);
    assert.ok(t < 100, `resolved after ${t.toFixed(1)} ms`);
    await src.delete(svcInfo, 'default', 'pets');
    const gone = await until(async () => (await answers(server.address.port, 'pets.default.svc.cluster.local'))?.rcode === RCODE.NXDOMAIN, 1000);
    assert.ok(gone < 100, `gone after ${gone.toFixed(1)} ms`);
  } finally {
    await server.close();
    ac.abort();
    await Promise.all(runs);
  }
});

test('a periodic resync (the same objects redelivered) does not trigger a recompile', async () => {
  assert.ok(svcInfo && sliceInfo);
  const src = new FakeSource();
  await src.create(svcInfo, { apiVersion: 'v1', kind: 'Service', ...clusterIPService('default', 'kubernetes', ['10.96.0.1']) } as KubeObject);
  const services = new Informer({ source: src, info: svcInfo, resyncMs: 10 });
  const slices = new Informer({ source: src, info: sliceInfo, resyncMs: 10 });
  const ac = new AbortController();
  const lookup = new InformerLookup({ services, slices, signal: ac.signal });
  const runs = [services.run(ac.signal), slices.run(ac.signal)];
  try {
    await until(async () => lookup.hasSynced(), 2000);
    await new Promise((r) => setTimeout(r, 30));
    let changes = 0;
    const off = lookup.onChange(() => { changes++; });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(changes, 0, 'resyncs of unchanged objects');
    await src.create(svcInfo, { apiVersion: 'v1', kind: 'Service', ...clusterIPService('default', 'web', ['10.96.0.2']) } as KubeObject);
    assert.ok(await until(async () => changes > 0, 2000) < Infinity, 'a real change still notifies');
    off();
  } finally {
    ac.abort();
    await Promise.all(runs);
  }
});
