import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types.ts';
import { apiError, CONFIGMAPS, cm, NAMESPACES, setup } from './test-helpers.ts';

test('delete without finalizers removes the object and returns its last state', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  const out = await reg.delete(CONFIGMAPS, 'default', 'a');
  assert.equal(out.metadata?.name, 'a');
  assert.equal((await apiError(reg.get(CONFIGMAPS, 'default', 'a'))).code, 404);
  assert.equal((await apiError(reg.delete(CONFIGMAPS, 'default', 'a'))).code, 404);
});

const preconditions = [
  { desc: 'uid mismatch', pre: { uid: 'other' }, want: /^Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: / },
  { desc: 'resourceVersion mismatch', pre: { resourceVersion: '1' }, want: /^Operation cannot be fulfilled on configmaps "a": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/ },
];

for (const c of preconditions) {
  test(`delete precondition: ${c.desc} is 409`, async () => {
    const { reg } = await setup();
    await reg.create(CONFIGMAPS, 'default', cm('a'));
    const e = await apiError(reg.delete(CONFIGMAPS, 'default', 'a', { preconditions: c.pre }));
    assert.equal(e.code, 409);
    assert.match(e.message, c.want);
    await reg.get(CONFIGMAPS, 'default', 'a');
  });
}

const policies = [
  { desc: 'finalizers keep the object with a deletionTimestamp', finalizers: ['example.com/x'], policy: undefined, want: ['example.com/x'] },
  { desc: 'Foreground adds foregroundDeletion', finalizers: [], policy: 'Foreground' as const, want: ['foregroundDeletion'] },
  { desc: 'Orphan adds orphan', finalizers: [], policy: 'Orphan' as const, want: ['orphan'] },
  { desc: 'Background removes orphan and foregroundDeletion', finalizers: ['orphan', 'example.com/x'], policy: 'Background' as const, want: ['example.com/x'] },
];

for (const c of policies) {
  test(`delete: ${c.desc}`, async () => {
    const { reg } = await setup();
    await reg.create(CONFIGMAPS, 'default', cm('a', {}, { finalizers: c.finalizers }));
    const out = await reg.delete(CONFIGMAPS, 'default', 'a', c.policy ? { propagationPolicy: c.policy } : {});
    assert.deepEqual(out.metadata?.finalizers, c.want);
    assert.equal(String(out.metadata?.deletionTimestamp), '2026-11-22T08:00:00Z');
    assert.equal(out.metadata?.deletionGracePeriodSeconds, 0);
    const again = await reg.delete(CONFIGMAPS, 'default', 'a');
    assert.equal(again.metadata?.resourceVersion, out.metadata?.resourceVersion, 'a second delete changes nothing');
  });
}

test('removing the last finalizer of a deleting object deletes it', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a', {}, { finalizers: ['example.com/x', 'example.com/y'] }));
  const d = await reg.delete(CONFIGMAPS, 'default', 'a');
  const one = await reg.update(CONFIGMAPS, 'default', 'a', { ...d, metadata: { ...d.metadata, finalizers: ['example.com/y'] } });
  assert.deepEqual(one.metadata?.finalizers, ['example.com/y']);
  await reg.patch(CONFIGMAPS, 'default', 'a', 'merge', { metadata: { finalizers: null } });
  assert.equal((await apiError(reg.get(CONFIGMAPS, 'default', 'a'))).code, 404);
});

test('namespace delete: Terminating until spec and metadata finalizers are empty', async () => {
  const { reg } = await setup({ namespaces: ['default', 'ns1'] });
  const t = await reg.delete(NAMESPACES, undefined, 'ns1');
  assert.equal((t['status'] as { phase: string }).phase, 'Terminating');
  assert.ok(t.metadata?.deletionTimestamp);
  await reg.get(NAMESPACES, undefined, 'ns1');
  const out = await reg.update(NAMESPACES, undefined, 'ns1', { ...t, spec: { finalizers: [] } }, { subresource: 'finalize' });
  assert.equal(out.metadata?.name, 'ns1');
  assert.equal((await apiError(reg.get(NAMESPACES, undefined, 'ns1'))).code, 404);
});

test('deleteCollection deletes what the selector selects', async () => {
  const { reg } = await setup();
  for (const [n, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) await reg.create(CONFIGMAPS, 'default', cm(n, {}, { labels: { app } }));
  const out = await reg.deleteCollection(CONFIGMAPS, 'default', { labelSelector: 'app=x' });
  assert.deepEqual(out.items.map((o: KubeObject) => o.metadata?.name), ['a', 'b']);
  assert.deepEqual((await reg.list(CONFIGMAPS, 'default')).items.map((o) => o.metadata?.name), ['c']);
});

test('dryRun delete keeps the object', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  await reg.delete(CONFIGMAPS, 'default', 'a', { dryRun: true });
  await reg.get(CONFIGMAPS, 'default', 'a');
});
