// The served snapshot follows the lookup: a new Service resolves within 100 ms of the change, a deleted
// one stops resolving, and nothing is served from a lookup that has not synced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { clusterIPService } from './testing/fixtures.ts';
import { queryBytes, udpExchange } from './testing/client.ts';
import { parseResponse } from './parse-response.ts';
import { RCODE, TYPE } from './records.ts';
import { SnapshotRunner } from './snapshot-runner.ts';
import { nameKey } from './wire.ts';

async function rcodeOf(port: number, name: string): Promise<{ rcode: number; answers: number } | undefined> {
  const res = await udpExchange(port, queryBytes(name, TYPE.A), 200);
  const p = res ? parseResponse(res) : undefined;
  return p && { rcode: p.rcode, answers: p.records.filter((r) => r.section === 'answer').length };
}

async function until(port: number, name: string, want: number, budgetMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const r = await rcodeOf(port, name);
    if (r?.rcode === want) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2));
  }
  return Infinity;
}

test('a new Service resolves within 100 ms; a deleted one stops resolving', async () => {
  const l = new FakeLookup();
  const server = await createDnsServer({ lookup: l, port: 0, upstreams: [] });
  try {
    await server.ready();
    const name = 'web.default.svc.cluster.local';
    assert.equal((await rcodeOf(server.address.port, name))?.rcode, RCODE.NXDOMAIN);
    const readsBefore = l.calls;
    for (let i = 0; i < 20; i++) await rcodeOf(server.address.port, name);
    assert.equal(l.calls, readsBefore, 'queries never read the lookup');
    l.upsertService(clusterIPService('default', 'web', ['10.96.0.50']));
    const added = await until(server.address.port, name, RCODE.NOERROR, 1000);
    assert.ok(added < 100, `resolved after ${added.toFixed(1)} ms`);
    l.deleteService('default', 'web');
    const removed = await until(server.address.port, name, RCODE.NXDOMAIN, 1000);
    assert.ok(removed < 100, `gone after ${removed.toFixed(1)} ms`);
  } finally {
    await server.close();
  }
});

test('a burst of changes is coalesced into few recompiles', async () => {
  const l = new FakeLookup();
  const runner = new SnapshotRunner({ lookup: l, zone: 'cluster.local', ttl: 5, minIntervalMs: 20 });
  try {
    await runner.whenReady();
    const before = runner.generation;
    for (let i = 0; i < 500; i++) l.upsertService(clusterIPService('default', `s${i}`, [`10.96.1.${i % 250}`]));
    const t0 = performance.now();
    while (!runner.current()?.names.has(nameKey('s499.default.svc.cluster.local')) && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    assert.ok(runner.current()?.names.has(nameKey('s499.default.svc.cluster.local')), 'the burst is served');
    assert.ok(runner.generation - before <= 2, `${runner.generation - before} recompiles for 500 changes`);
  } finally {
    runner.stop();
  }
});

test('a recompile reuses what did not change: new Services among 1000', async () => {
  const l = new FakeLookup();
  for (let i = 0; i < 1000; i++) l.upsertService(clusterIPService('default', `s${i}`, [`10.96.${i >> 8}.${i & 255}`], [{ name: 'http', port: 80 }]));
  const server = await createDnsServer({ lookup: l, port: 0, upstreams: [] });
  try {
    await server.ready();
    const first = server.snapshot();
    const kept = first?.names.get(nameKey('s7.default.svc.cluster.local'));
    // the median of three additions: a loaded 2-core machine can stall any single one
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      l.upsertService(clusterIPService('default', `late${k}`, [`10.96.100.${k + 1}`]));
      times.push(await until(server.address.port, `late${k}.default.svc.cluster.local`, RCODE.NOERROR, 2000));
    }
    const median = [...times].sort((a, b) => a - b)[1] ?? Infinity;
    assert.ok(median < 100, `resolved after ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    assert.notEqual(server.snapshot(), first);
    assert.equal(server.snapshot()?.names.get(nameKey('s7.default.svc.cluster.local')), kept, 'unchanged names keep their entry (and its encoded answers)');
  } finally {
    await server.close();
  }
});

test('before the lookup syncs, cluster names get SERVFAIL; after, answers', async () => {
  const l = new FakeLookup({ synced: false });
  l.upsertService(clusterIPService('default', 'web', ['10.96.0.50']));
  const server = await createDnsServer({ lookup: l, port: 0, upstreams: [] });
  try {
    assert.equal((await rcodeOf(server.address.port, 'web.default.svc.cluster.local'))?.rcode, RCODE.SERVFAIL);
    l.setSynced(true);
    await server.ready();
    assert.deepEqual(await rcodeOf(server.address.port, 'web.default.svc.cluster.local'), { rcode: RCODE.NOERROR, answers: 1 });
  } finally {
    await server.close();
  }
});

test('aborting the signal closes the server', async () => {
  const ac = new AbortController();
  const server = await createDnsServer({ lookup: new FakeLookup(), port: 0, upstreams: [], signal: ac.signal });
  await server.ready();
  assert.equal((await rcodeOf(server.address.port, 'x.default.svc.cluster.local'))?.rcode, RCODE.NXDOMAIN);
  ac.abort();
  await server.close();
  assert.equal(await rcodeOf(server.address.port, 'x.default.svc.cluster.local'), undefined);
});
