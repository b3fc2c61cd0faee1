import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, CONFIGMAPS, cm, INGRESS_LEGACY, INGRESS_V1, setup, summary, take } from './test-helpers.ts';
import { CONTINUE_EXPIRED } from './list.ts';

async function seed(reg: Awaited<ReturnType<typeof setup>>['reg']): Promise<void> {
  for (const [n, app] of [['a', 'x'], ['b', 'y'], ['c', 'x'], ['d', 'x']] as const) await reg.create(CONFIGMAPS, 'default', cm(n, {}, { labels: { app } }));
}

const listCases = [
  { desc: 'everything', q: {}, want: ['a', 'b', 'c', 'd'] },
  { desc: 'label equality', q: { labelSelector: 'app=x' }, want: ['a', 'c', 'd'] },
  { desc: 'label set-based', q: { labelSelector: 'app notin (x)' }, want: ['b'] },
  { desc: 'field selector', q: { fieldSelector: 'metadata.name!=a' }, want: ['b', 'c', 'd'] },
];

for (const c of listCases) {
  test(`list: ${c.desc}`, async () => {
    const { reg, store } = await setup();
    await seed(reg);
    const out = await reg.list(CONFIGMAPS, 'default', c.q);
    assert.equal(out.kind, 'ConfigMapList');
    assert.equal(out.apiVersion, 'v1');
    assert.equal(out.metadata.resourceVersion, String(store.currentRevision()));
    assert.deepEqual(out.items.map((o) => o.metadata?.name), c.want);
    for (const o of out.items) assert.deepEqual([o.apiVersion, o.kind], ['v1', 'ConfigMap']);
  });
}

// Pages after the first read at the first page's revision (as kube-apiserver over etcd): an object
// created in between is not in them; a watch from the list's resourceVersion delivers it.
test('list pages with limit/continue read one snapshot and count what remains', async () => {
  const { reg } = await setup();
  await seed(reg);
  const p1 = await reg.list(CONFIGMAPS, 'default', { limit: 3 });
  assert.deepEqual(p1.items.map((o) => o.metadata?.name), ['a', 'b', 'c']);
  assert.equal(p1.metadata.remainingItemCount, 1);
  assert.ok(p1.metadata.continue);
  await reg.create(CONFIGMAPS, 'default', cm('e'));
  const p2 = await reg.list(CONFIGMAPS, 'default', { limit: 3, continue: p1.metadata.continue ?? '' });
  assert.deepEqual(p2.items.map((o) => o.metadata?.name), ['d']);
  assert.equal(p2.metadata.continue, undefined);
  assert.equal(p2.metadata.resourceVersion, p1.metadata.resourceVersion);
  assert.deepEqual((await reg.list(CONFIGMAPS, 'default')).items.map((o) => o.metadata?.name), ['a', 'b', 'c', 'd', 'e']);
});

test('a continue token from before the compacted revision is 410 Expired', async () => {
  const { reg } = await setup({ historyRevisions: 3 });
  await seed(reg);
  const p1 = await reg.list(CONFIGMAPS, 'default', { limit: 1 });
  for (let i = 0; i < 6; i++) await reg.create(CONFIGMAPS, 'default', cm(`z${i}`));
  const e = await apiError(reg.list(CONFIGMAPS, 'default', { limit: 1, continue: p1.metadata.continue ?? '' }));
  assert.deepEqual([e.code, e.reason, e.message], [410, 'Expired', CONTINUE_EXPIRED]);
  assert.equal((await apiError(reg.list(CONFIGMAPS, 'default', { continue: 'not-a-token' }))).code, 400);
});

test('watch from "" sends the current objects, then changes', async () => {
  const { reg } = await setup();
  await seed(reg);
  const ac = new AbortController();
  const w = await reg.watch(CONFIGMAPS, 'default', { labelSelector: 'app=x' }, ac.signal);
  assert.deepEqual(summary(await take(w, 3)), ['ADDED a', 'ADDED c', 'ADDED d']);
  await reg.create(CONFIGMAPS, 'default', cm('e', {}, { labels: { app: 'x' } }));
  await reg.create(CONFIGMAPS, 'default', cm('f', {}, { labels: { app: 'y' } }));
  await reg.patch(CONFIGMAPS, 'default', 'a', 'merge', { metadata: { labels: { app: 'y' } } });
  await reg.patch(CONFIGMAPS, 'default', 'b', 'merge', { metadata: { labels: { app: 'x' } } });
  await reg.patch(CONFIGMAPS, 'default', 'c', 'merge', { data: { k: 'v' } });
  await reg.delete(CONFIGMAPS, 'default', 'd');
  const evs = await take(w, 5);
  assert.deepEqual(summary(evs), ['ADDED e', 'DELETED a', 'ADDED b', 'MODIFIED c', 'DELETED d']);
  assert.deepEqual(evs[1]?.object.metadata?.labels, { app: 'x' }, 'an object leaving the selection is sent in its last selected state');
  ac.abort();
  assert.deepEqual(await take(w, 1), [], 'the stream ends on abort');
});

test('watch resumes after a resourceVersion and sees only later changes', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  const b = await reg.create(CONFIGMAPS, 'default', cm('b'));
  await reg.create(CONFIGMAPS, 'default', cm('c'));
  const ac = new AbortController();
  const w = await reg.watch(CONFIGMAPS, undefined, { resourceVersion: b.metadata?.resourceVersion ?? '' }, ac.signal);
  assert.deepEqual(summary(await take(w, 1)), ['ADDED c']);
  ac.abort();
});

test('watch from a compacted resourceVersion is 410 before any event', async () => {
  const { reg } = await setup({ historyRevisions: 2 });
  await seed(reg);
  const e = await apiError(reg.watch(CONFIGMAPS, 'default', { resourceVersion: '1' }, new AbortController().signal));
  assert.equal(e.code, 410);
  assert.match(e.message, /^too old resource version: 1 \(\d+\)$/);
});

test('namespace-scoped watches see only their namespace', async () => {
  const { reg } = await setup({ namespaces: ['default', 'other'] });
  const ac = new AbortController();
  const w = await reg.watch(CONFIGMAPS, 'other', {}, ac.signal);
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  await reg.create(CONFIGMAPS, 'other', cm('b'));
  assert.deepEqual(summary(await take(w, 1)), ['ADDED b']);
  ac.abort();
});

test('bookmarks: initial-events-end after the initial list, then periodic', async () => {
  const { reg } = await setup({ bookmarkIntervalMs: 30 });
  await seed(reg);
  const ac = new AbortController();
  const w = await reg.watch(CONFIGMAPS, 'default', { sendInitialEvents: true, allowWatchBookmarks: true, labelSelector: 'app=y' }, ac.signal);
  const evs = await take(w, 3);
  assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'BOOKMARK', 'BOOKMARK']);
  assert.deepEqual(evs[1]?.object.metadata?.annotations, { 'k8s.io/initial-events-end': 'true' });
  assert.deepEqual(Object.keys(evs[2]?.object ?? {}).sort(), ['apiVersion', 'kind', 'metadata']);
  assert.equal(evs[2]?.object.kind, 'ConfigMap');
  ac.abort();
});

test('timeoutSeconds ends the stream', async () => {
  const { reg } = await setup();
  const w = await reg.watch(CONFIGMAPS, 'default', { timeoutSeconds: 0.05 }, new AbortController().signal);
  const started = Date.now();
  assert.deepEqual(await take(w, 1, 2000), []);
  assert.ok(Date.now() - started < 1500);
});

test('legacy extensions/v1beta1 Ingress: stored as v1, served as written', async () => {
  const { reg, store } = await setup();
  const legacy = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' },
    spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 80 } }] } }] } };
  const ac = new AbortController();
  const w = await reg.watch(INGRESS_LEGACY, 'default', {}, ac.signal);
  const out = await reg.create(INGRESS_LEGACY, 'default', legacy);
  assert.equal(out.apiVersion, 'extensions/v1beta1');
  const stored = await store.get({ group: 'networking.k8s.io', resource: 'ingresses' }, '/registry/networking.k8s.io/ingresses/default/web');
  assert.equal(stored.apiVersion, 'networking.k8s.io/v1');
  const v1 = await reg.get(INGRESS_V1, 'default', 'web');
  assert.deepEqual((v1['spec'] as { rules: Array<{ http: { paths: Array<{ backend: unknown }> } }> }).rules[0]?.http.paths[0]?.backend, { service: { name: 'web', port: { number: 80 } } });
  const back = await reg.list(INGRESS_LEGACY, 'default');
  assert.equal(back.apiVersion, 'extensions/v1beta1');
  assert.equal(back.items[0]?.apiVersion, 'extensions/v1beta1');
  const [ev] = await take(w, 1);
  assert.equal(ev?.object.apiVersion, 'extensions/v1beta1');
  ac.abort();
});
