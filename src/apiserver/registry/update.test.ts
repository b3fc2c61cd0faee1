import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, CONFIGMAPS, cm, ENDPOINTS, NAMESPACES, setup, SERVICES, svc } from './test-helpers.ts';

test('update with the current resourceVersion succeeds, with a stale one is 409', async () => {
  const { reg } = await setup();
  const a = await reg.create(CONFIGMAPS, 'default', cm('a', { k: '1' }));
  const b = await reg.update(CONFIGMAPS, 'default', 'a', { ...cm('a', { k: '2' }), metadata: { ...a.metadata } });
  assert.equal((b['data'] as Record<string, string>)['k'], '2');
  assert.equal(b.metadata?.uid, a.metadata?.uid);
  assert.equal(String(b.metadata?.creationTimestamp), '2026-11-22T08:00:00Z');
  const e = await apiError(reg.update(CONFIGMAPS, 'default', 'a', { ...cm('a', { k: '3' }), metadata: { ...a.metadata } }));
  assert.deepEqual([e.code, e.reason, e.message], [409, 'Conflict',
    'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again']);
});

test('update without a resourceVersion is unconditional', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a', { k: '1' }));
  await reg.update(CONFIGMAPS, 'default', 'a', cm('a', { k: '2' }));
  const out = await reg.update(CONFIGMAPS, 'default', 'a', cm('a', { k: '3' }));
  assert.equal((out['data'] as Record<string, string>)['k'], '3');
});

test('a no-op update keeps the resourceVersion', async () => {
  const { reg, store } = await setup();
  const a = await reg.create(CONFIGMAPS, 'default', cm('a', { k: '1' }));
  const rev = store.currentRevision();
  const out = await reg.update(CONFIGMAPS, 'default', 'a', cm('a', { k: '1' }));
  assert.equal(out.metadata?.resourceVersion, a.metadata?.resourceVersion);
  assert.equal(store.currentRevision(), rev);
});

const createOnUpdate = [
  { desc: 'Services are created by PUT', info: SERVICES, obj: svc('s'), wantCode: 0 },
  { desc: 'Endpoints are created by PUT', info: ENDPOINTS, obj: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' } }, wantCode: 0 },
  { desc: 'ConfigMaps are not', info: CONFIGMAPS, obj: cm('c'), wantCode: 404 },
];

for (const c of createOnUpdate) {
  test(`create on update: ${c.desc}`, async () => {
    const { reg } = await setup();
    const name = c.obj.metadata?.name ?? '';
    const p = reg.update(c.info, 'default', name, c.obj);
    if (c.wantCode) assert.equal((await apiError(p)).code, c.wantCode);
    else assert.equal((await p).metadata?.generation, 1);
  });
}

test('update with a name different from the URL is 400', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  const e = await apiError(reg.update(CONFIGMAPS, 'default', 'a', cm('b')));
  assert.deepEqual([e.code, e.message], [400, 'the name of the object (b) does not match the name on the URL (a)']);
});

test('update validates immutable fields (422)', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('s'));
  const e = await apiError(reg.update(SERVICES, 'default', 's', svc('s', { clusterIP: '10.96.0.99' })));
  assert.equal(e.code, 422);
});

test('status subresource changes only status; main resource keeps status', async () => {
  const { reg } = await setup();
  const a = await reg.create(SERVICES, 'default', svc('s'));
  const st = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  const b = await reg.update(SERVICES, 'default', 's', { ...a, spec: { ports: [{ port: 99 }] }, status: st }, { subresource: 'status' });
  assert.deepEqual(b['status'], st);
  assert.deepEqual((b['spec'] as { ports: unknown[] }).ports, (a['spec'] as { ports: unknown[] }).ports);
  const c = await reg.update(SERVICES, 'default', 's', { ...b, status: {} });
  assert.deepEqual(c['status'], st);
});

test('unknown subresource is 404', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  assert.equal((await apiError(reg.update(CONFIGMAPS, 'default', 'a', cm('a'), { subresource: 'status' }))).code, 404);
});

test('merge patch goes through the update path', async () => {
  const { reg } = await setup();
  const a = await reg.create(CONFIGMAPS, 'default', cm('a', { k: '1' }));
  const b = await reg.patch(CONFIGMAPS, 'default', 'a', 'merge', { data: { j: '2' }, metadata: { labels: { x: 'y' } } });
  assert.deepEqual(b['data'], { k: '1', j: '2' });
  assert.deepEqual(b.metadata?.labels, { x: 'y' });
  assert.notEqual(b.metadata?.resourceVersion, a.metadata?.resourceVersion);
  const stale = await apiError(reg.patch(CONFIGMAPS, 'default', 'a', 'merge', { metadata: { resourceVersion: a.metadata?.resourceVersion }, data: { z: '1' } }));
  assert.equal(stale.code, 409);
  assert.equal((await apiError(reg.patch(CONFIGMAPS, 'default', 'missing', 'merge', {}))).code, 404);
});

test('server-side apply is 415 for now', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  const e = await apiError(reg.patch(CONFIGMAPS, 'default', 'a', 'apply', cm('a')));
  assert.deepEqual([e.code, e.reason], [415, 'UnsupportedMediaType']);
});

test('namespace finalize changes only spec.finalizers', async () => {
  const { reg } = await setup();
  const ns = await reg.get(NAMESPACES, undefined, 'default');
  assert.deepEqual(ns['spec'], { finalizers: ['kubernetes'] });
  const out = await reg.update(NAMESPACES, undefined, 'default', { ...ns, metadata: { ...ns.metadata, labels: { a: 'b' } }, spec: { finalizers: [] } }, { subresource: 'finalize' });
  assert.deepEqual(out['spec'], {});
  assert.equal(out.metadata?.labels, undefined);
});
