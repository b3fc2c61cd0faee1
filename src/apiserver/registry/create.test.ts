import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types.ts';
import { alreadyExists } from '../../lib/errors.ts';
import { apiError, CONFIGMAPS, cm, NAMESPACES, setup, SERVICES, svc } from './test-helpers.ts';

test('create stamps server-owned metadata and drops what clients may not set', async () => {
  const { reg } = await setup();
  const out = await reg.create(CONFIGMAPS, 'default', cm('a', { k: 'v' }, {
    uid: 'mine', managedFields: [{ manager: 'kubectl' }], creationTimestamp: '2000-01-01T00:00:00Z',
  }));
  const m = out.metadata as unknown as Record<string, unknown>;
  assert.equal(out.apiVersion, 'v1');
  assert.equal(out.kind, 'ConfigMap');
  assert.equal(m['namespace'], 'default');
  assert.equal(m['creationTimestamp'], '2026-11-22T08:00:00Z');
  assert.equal(m['generation'], 1);
  assert.match(String(m['uid']), /^[0-9a-f-]{36}$/);
  assert.notEqual(m['uid'], 'mine');
  assert.equal(m['managedFields'], undefined);
  assert.match(String(m['resourceVersion']), /^\d+$/);
  assert.deepEqual(await reg.get(CONFIGMAPS, 'default', 'a'), out);
});

test('create sets apiVersion and kind when the body omits them', async () => {
  const { reg } = await setup();
  const out = await reg.create(CONFIGMAPS, 'default', { metadata: { name: 'bare' } });
  assert.equal(out.kind, 'ConfigMap');
  assert.equal(out.apiVersion, 'v1');
});

test('generateName appends 5 characters from the Kubernetes alphabet', async () => {
  const { reg } = await setup();
  const names = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const out = await reg.create(CONFIGMAPS, 'default', cm('', {}, { name: undefined, generateName: 'web-' }));
    assert.match(out.metadata?.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    names.add(out.metadata?.name ?? '');
  }
  assert.equal(names.size, 5);
});

const failures: Array<{ desc: string; ns: string | undefined; obj: KubeObject; opts?: { fieldValidation: 'Strict' }; code: number; reason: string; message: string }> = [
  { desc: 'namespace of object differs from the request', ns: 'default', obj: cm('a', {}, { namespace: 'other' }), code: 400, reason: 'BadRequest',
    message: 'the namespace of the provided object does not match the namespace sent on the request' },
  { desc: 'namespace does not exist', ns: 'nope', obj: cm('a'), code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' },
  { desc: 'apiVersion mismatch', ns: 'default', obj: { ...cm('a'), apiVersion: 'apps/v1' }, code: 400, reason: 'BadRequest',
    message: 'the API version in the data (apps/v1) does not match the expected API version (v1)' },
  { desc: 'kind mismatch', ns: 'default', obj: { ...cm('a'), kind: 'Secret' }, code: 400, reason: 'BadRequest',
    message: 'the kind in the data (Secret) does not match the expected kind (ConfigMap)' },
  { desc: 'resourceVersion set', ns: 'default', obj: cm('a', {}, { resourceVersion: '5' }), code: 500, reason: 'InternalError',
    message: 'Internal error occurred: resourceVersion should not be set on objects to be created' },
  { desc: 'missing name', ns: 'default', obj: cm('', {}, { name: undefined }), code: 422, reason: 'Invalid',
    message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' },
];

for (const c of failures) {
  test(`create fails: ${c.desc}`, async () => {
    const { reg, store } = await setup();
    const before = store.currentRevision();
    const e = await apiError(reg.create(CONFIGMAPS, c.ns, c.obj, c.opts));
    assert.deepEqual({ code: e.code, reason: e.reason, message: e.message }, { code: c.code, reason: c.reason, message: c.message });
    assert.equal(store.currentRevision(), before, 'nothing stored');
  });
}

const decodeCases = [
  { desc: 'Strict refuses unknown fields', mode: 'Strict' as const, wantError: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.addresss", unknown field "spec.IP"', wantWarnings: [] },
  { desc: 'Warn stores and warns', mode: 'Warn' as const, wantError: '', wantWarnings: ['unknown field "spec.addresss"', 'unknown field "spec.IP"'] },
  { desc: 'Ignore stores silently', mode: 'Ignore' as const, wantError: '', wantWarnings: [] },
];

for (const c of decodeCases) {
  test(`fieldValidation ${c.desc}`, async () => {
    const { reg } = await setup();
    const warnings: string[] = [];
    const p = reg.create(SERVICES, 'default', svc('s', { addresss: 'x', IP: 'y' }), { fieldValidation: c.mode, warnings });
    if (c.wantError) assert.equal((await apiError(p)).message, c.wantError);
    else await p;
    assert.deepEqual(warnings, c.wantWarnings);
  });
}

test('type errors are always 400', async () => {
  const { reg } = await setup();
  const e = await apiError(reg.create(SERVICES, 'default', svc('s', { ports: 'eighty' }), { fieldValidation: 'Ignore' }));
  assert.equal(e.code, 400);
  assert.match(e.message, /^Service in version "v1" cannot be handled as a Service: json: cannot unmarshal/);
});

test('a body that is not an object is 400', async () => {
  const { reg } = await setup();
  const e = await apiError(reg.create(SERVICES, 'default', [] as unknown as KubeObject));
  assert.equal(e.code, 400);
});

test('create of an existing name is 409 AlreadyExists', async () => {
  const { reg } = await setup();
  await reg.create(CONFIGMAPS, 'default', cm('a'));
  const e = await apiError(reg.create(CONFIGMAPS, 'default', cm('a')));
  assert.deepEqual([e.code, e.reason, e.message], [409, 'AlreadyExists', 'configmaps "a" already exists']);
});

test('create in a terminating namespace is 403', async () => {
  const { reg } = await setup({ namespaces: ['default', 'doomed'] });
  await reg.delete(NAMESPACES, undefined, 'doomed');
  const e = await apiError(reg.create(CONFIGMAPS, 'doomed', cm('a')));
  assert.deepEqual([e.code, e.reason, e.message], [403, 'Forbidden', 'configmaps "a" is forbidden: unable to create new content in namespace doomed because it is being terminated']);
});

test('dryRun create validates but stores nothing', async () => {
  const { reg, store } = await setup();
  const before = store.currentRevision();
  const out = await reg.create(CONFIGMAPS, 'default', cm('a'), { dryRun: true });
  assert.equal(out.metadata?.name, 'a');
  assert.equal(store.currentRevision(), before);
  assert.equal((await apiError(reg.get(CONFIGMAPS, 'default', 'a'))).code, 404);
});

test('cluster-scoped objects lose a namespace', async () => {
  const { reg } = await setup();
  const out = await reg.create(NAMESPACES, undefined, { metadata: { name: 'x', namespace: 'default' } });
  assert.equal(out.metadata?.namespace, undefined);
});

test('a generated name that collides is regenerated', async () => {
  const { reg, store } = await setup();
  const real = store.create.bind(store);
  let collisions = 2;
  store.create = async (gr, key, obj) => {
    if (collisions-- > 0) throw alreadyExists(gr, key);
    return real(gr, key, obj);
  };
  const out = await reg.create(CONFIGMAPS, 'default', cm('', {}, { name: undefined, generateName: 'g-' }));
  assert.match(out.metadata?.name ?? '', /^g-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(collisions, -1);
});
