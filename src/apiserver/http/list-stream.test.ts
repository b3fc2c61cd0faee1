// Large LISTs over real HTTP against the real registry (memory store): written in chunks, consistent at
// one revision while writes commit between chunks, other requests served meanwhile; resourceVersion
// semantics of LIST.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createApiServer, type ApiServer } from '../index.ts';
import { CONFIGMAPS, cm, setup, type Setup } from '../registry/test-helpers.ts';

const N = 1500;
const name = (i: number): string => `cm-${String(i).padStart(4, '0')}`;
const BASE = '/api/v1/namespaces/default/configmaps';
let server: ApiServer;
let s: Setup;

before(async () => {
  s = await setup({ historyRevisions: 1000 });
  const pad = 'x'.repeat(4000);
  for (let i = 0; i < N; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => s.reg.create(CONFIGMAPS, 'default', cm(name(i + j), { pad }))));
  }
  server = await createApiServer({ registry: s.reg, host: '127.0.0.1', port: 0, logger: { info() {}, error() {} } });
});
after(async () => { await server?.close(); await s?.store.close(); });

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

// get sends a GET; pauseFirst, when given, runs with the response paused after its headers arrive.
function get(path: string, accept = 'application/json', pauseFirst?: () => Promise<void>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${path}`, { headers: { Accept: accept }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
      if (pauseFirst) { res.pause(); pauseFirst().then(() => res.resume(), reject); }
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.on('error', reject);
  });
}

test('a large LIST is written in chunks, every item once, in order', { timeout: 60_000 }, async () => {
  const r = await get(BASE);
  assert.equal(r.status, 200);
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  const list = JSON.parse(r.body) as { kind: string; metadata: { resourceVersion: string }; items: Array<{ kind: string; metadata: { name: string } }> };
  assert.equal(list.kind, 'ConfigMapList');
  assert.equal(list.metadata.resourceVersion, String(s.store.currentRevision()));
  assert.deepEqual(list.items.map((o) => o.metadata.name), Array.from({ length: N }, (_, i) => name(i)));
  assert.ok(list.items.every((o) => o.kind === 'ConfigMap'));
});

test('a slow reader gets the snapshot of its start; GETs and writes proceed meanwhile', { timeout: 60_000 }, async () => {
  const rv = String(s.store.currentRevision());
  let during: Reply | undefined;
  const r = await get(BASE, 'application/json', async () => {
    during = await get(`${BASE}/${name(7)}`);
    await s.reg.create(CONFIGMAPS, 'default', cm('cm-zzzz'));
    await s.reg.delete(CONFIGMAPS, 'default', name(N - 1));
  });
  assert.equal(during?.status, 200, 'a GET was served while the LIST was held back by its reader');
  const list = JSON.parse(r.body) as { metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string } }> };
  assert.equal(list.metadata.resourceVersion, rv);
  const names = list.items.map((o) => o.metadata.name);
  assert.equal(names.length, N);
  assert.equal(names.at(-1), name(N - 1));
  assert.ok(!names.includes('cm-zzzz'));
  // Put things back for the other tests.
  await s.reg.delete(CONFIGMAPS, 'default', 'cm-zzzz');
  await s.reg.create(CONFIGMAPS, 'default', cm(name(N - 1), { pad: 'x'.repeat(4000) }));
});

test('a large LIST as a Table (kubectl get) is printed chunk by chunk', { timeout: 60_000 }, async () => {
  const r = await get(BASE, 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json');
  assert.equal(r.status, 200);
  const t = JSON.parse(r.body) as { kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { metadata: { name: string } } }> };
  assert.equal(t.kind, 'Table');
  assert.equal(t.columnDefinitions[0]?.name, 'Name');
  assert.equal(t.rows.length, N);
  assert.deepEqual(t.rows.slice(0, 2).map((row) => row.cells[0]), [name(0), name(1)]);
  assert.equal(t.rows.at(-1)?.object.metadata.name, name(N - 1));
});

const rvCases = [
  { desc: 'continue with a resourceVersion is 400', q: (rv: number) => `limit=1&continue=${cont(rv)}&resourceVersion=${rv}`, code: 400 },
  { desc: 'an unknown resourceVersionMatch is 400', q: (rv: number) => `resourceVersion=${rv}&resourceVersionMatch=Newest`, code: 400 },
  { desc: 'resourceVersionMatch without resourceVersion is 400', q: () => 'resourceVersionMatch=Exact', code: 400 },
  { desc: 'NotOlderThan a future revision is 504 Too large', q: (rv: number) => `resourceVersion=${rv + 100}&resourceVersionMatch=NotOlderThan`, code: 504 },
  { desc: 'Exact before the kept history is 410', q: () => 'resourceVersion=1&resourceVersionMatch=Exact&limit=1', code: 410 },
];

function cont(rv: number): string { return Buffer.from(JSON.stringify({ rv, start: `/registry/configmaps/default/${name(0)}` })).toString('base64'); }

for (const c of rvCases) {
  test(`LIST resourceVersion: ${c.desc}`, { timeout: 30_000 }, async () => {
    const r = await get(`${BASE}?${c.q(s.store.currentRevision())}`);
    assert.equal(r.status, c.code, r.body);
    assert.equal(JSON.parse(r.body).kind, 'Status');
  });
}

test('LIST resourceVersionMatch=Exact reads the past; NotOlderThan and "0" the latest', { timeout: 30_000 }, async () => {
  const rv = s.store.currentRevision();
  await s.reg.create(CONFIGMAPS, 'default', cm('cm-late'));
  const names = async (q: string): Promise<string[]> => {
    const r = await get(`${BASE}?limit=2000&${q}`);
    assert.equal(r.status, 200, r.body);
    return (JSON.parse(r.body) as { items: Array<{ metadata: { name: string } }> }).items.map((o) => o.metadata.name);
  };
  assert.ok(!(await names(`resourceVersion=${rv}&resourceVersionMatch=Exact`)).includes('cm-late'));
  assert.ok((await names(`resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`)).includes('cm-late'));
  assert.ok((await names('resourceVersion=0')).includes('cm-late'));
  await s.reg.delete(CONFIGMAPS, 'default', 'cm-late');
});

test('LIST NotOlderThan a revision committed while it waits is served, as kube-apiserver waits up to 3 s', { timeout: 30_000 }, async () => {
  const rv = s.store.currentRevision();
  const t0 = performance.now();
  const pending = get(`${BASE}?limit=2000&resourceVersion=${rv + 1}&resourceVersionMatch=NotOlderThan`);
  await new Promise((r) => setTimeout(r, 200));
  await s.reg.create(CONFIGMAPS, 'default', cm('cm-awaited'));
  const r = await pending;
  assert.equal(r.status, 200, r.body);
  assert.ok((JSON.parse(r.body) as { items: Array<{ metadata: { name: string } }> }).items.some((o) => o.metadata.name === 'cm-awaited'));
  assert.ok(performance.now() - t0 < 2_500, 'answered once the revision was there, not after the whole wait');
  await s.reg.delete(CONFIGMAPS, 'default', 'cm-awaited');
});
