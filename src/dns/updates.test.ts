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
  const server = await createDnsServer({ lookup: l, port: 0, upstreams: [], minIntervalMs: 20 });
  try {
    await server.ready();
    for (let i = 0; i < 500; i++) l.upsertService(clusterIPService('default', `s${i}`, [`10.96.1.${i % 250}`]));
    const t = await until(server.address.port, 's499.default.svc.cluster.local', RCODE.NOERROR, 1000);
    assert.ok(t < 100, `burst visible after ${t.toFixed(1)} ms`);
    assert.ok((server.snapshot()?.names.size ?? 0) > 500);
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
