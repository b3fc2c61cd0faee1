import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byKind } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import { notFound } from '../lib/errors.ts';
import { applyObject, LAST_APPLIED, threeWayPatch, withLastApplied } from './apply.ts';
import type { ObjectClient } from './object-client.ts';

const cases = [
  { desc: 'live matches desired (server defaults ignored)', last: { spec: { a: 1 } }, desired: { spec: { a: 1 } }, live: { spec: { a: 1, b: 2 } }, want: undefined },
  { desc: 'changed scalar', last: { spec: { a: 1 } }, desired: { spec: { a: 2 } }, live: { spec: { a: 1, b: 2 } }, want: { spec: { a: 2 } } },
  { desc: 'dropped field is deleted', last: { spec: { a: 1, c: 3 } }, desired: { spec: { a: 1 } }, live: { spec: { a: 1, c: 3 } }, want: { spec: { c: null } } },
  { desc: 'field set by others is kept', last: { spec: { a: 1 } }, desired: { spec: { a: 1 } }, live: { spec: { a: 1, c: 3 } }, want: undefined },
  { desc: 'list item subset of live item', last: {}, desired: { spec: { ports: [{ port: 80 }] } }, live: { spec: { ports: [{ port: 80, protocol: 'TCP' }] } }, want: undefined },
  { desc: 'list changed is sent whole', last: {}, desired: { spec: { ports: [{ port: 81 }] } }, live: { spec: { ports: [{ port: 80, protocol: 'TCP' }] } }, want: { spec: { ports: [{ port: 81 }] } } },
  {
    desc: 'removed list item: the list is replaced, kept items keep live fields', last: { spec: { ports: [{ port: 80 }, { port: 81 }] } },
    desired: { spec: { ports: [{ port: 80 }] } }, live: { spec: { ports: [{ port: 80, nodePort: 30001 }, { port: 81, nodePort: 30002 }] } },
    want: { spec: { ports: [{ port: 80, nodePort: 30001 }, { $patch: 'replace' }] } },
  },
  {
    desc: 'changed item and removed item', last: { spec: { ports: [{ port: 80 }, { port: 81 }] } },
    desired: { spec: { ports: [{ port: 82 }] } }, live: { spec: { ports: [{ port: 80, nodePort: 30001 }, { port: 81, nodePort: 30002 }] } },
    want: { spec: { ports: [{ port: 82 }, { $patch: 'replace' }] } },
  },
];
for (const c of cases) {
  test(`threeWayPatch: ${c.desc}`, () => assert.deepEqual(threeWayPatch(c.last, c.desired, c.live), c.want));
}

test('withLastApplied: an object without annotations gets `annotations: {}`, as kubectl writes', () => {
  const out = withLastApplied({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a' } });
  assert.equal(out.metadata?.annotations?.[LAST_APPLIED], '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"a"}}\n');
});

test('withLastApplied writes kubectl\'s annotation: sorted JSON of the object without the annotation', () => {
  const obj = { kind: 'Service', apiVersion: 'v1', metadata: { name: 'a', annotations: { [LAST_APPLIED]: 'old', z: '1' } }, spec: {} };
  const out = withLastApplied(obj);
  assert.equal(out.metadata?.annotations?.[LAST_APPLIED], '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"z":"1"},"name":"a"},"spec":{}}\n');
});

// FakeObjectClient records calls and serves one object.
class FakeObjectClient implements ObjectClient {
  live: KubeObject | undefined;
  calls: string[] = [];
  async get(): Promise<KubeObject> { this.calls.push('get'); if (!this.live) throw notFound({ group: '', resource: 'services' }, 'a'); return this.live; }
  async list() { return { apiVersion: 'v1', kind: 'List', metadata: {}, items: [] }; }
  async create(_i: unknown, _n: unknown, obj: KubeObject) { this.calls.push('create'); this.live = obj; return obj; }
  async patch(_i: unknown, _n: unknown, _name: string, type: string, patch: unknown) { this.calls.push(`patch ${type} ${JSON.stringify(patch)}`); return this.live ?? {}; }
  async delete() { return {}; }
}

test('applyObject: created, unchanged, configured', async () => {
  const info = byKind('', 'v1', 'ConfigMap');
  assert.ok(info);
  const c = new FakeObjectClient();
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } };
  assert.equal((await applyObject(c, info, 'default', obj)).result, 'created');
  assert.equal((await applyObject(c, info, 'default', obj)).result, 'unchanged');
  assert.equal((await applyObject(c, info, 'default', { ...obj, data: { k: 'w' } })).result, 'configured');
  assert.match(c.calls.at(-1) ?? '', /^patch strategic \{"metadata":\{"annotations":\{"kubectl.kubernetes.io\/last-applied-configuration":.*\},"data":\{"k":"w"\}\}$/);
});
