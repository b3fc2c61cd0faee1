// EmbeddedSource over a real registry (MemoryStore): list and get hand out objects the caller owns; watch
// hands out the registry's shared event object, frozen, so no informer handler can change what the other
// watchers (HTTP ones included) see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, WatchEvent } from '../../api/types.ts';
import { setup, SERVICES } from '../../apiserver/registry/test-helpers.ts';
import { EmbeddedSource } from './embedded-source.ts';

const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } });

async function firstEvent(events: AsyncIterable<WatchEvent>): Promise<WatchEvent> {
  for await (const ev of events) if (ev.type !== 'BOOKMARK') return ev;
  throw new Error('watch ended');
}

test('watch objects are shared between watchers and frozen; list and get objects are the caller\'s', { timeout: 10_000 }, async () => {
  const { reg } = await setup();
  const src = new EmbeddedSource(reg);
  const rv = (await src.list(SERVICES, 'default')).metadata.resourceVersion ?? '';
  const ac = new AbortController();
  try {
    const a = firstEvent(src.watch(SERVICES, 'default', rv, ac.signal));
    const b = reg.watch(SERVICES, 'default', { resourceVersion: rv }, ac.signal).then(firstEvent);
    await new Promise((r) => setTimeout(r, 20));
    await src.create(SERVICES, svc('web'));
    const [evA, evB] = await Promise.all([a, b]);
    assert.equal(evA.type, 'ADDED');
    assert.equal(evA.object.metadata?.name, 'web');
    assert.ok(Object.isFrozen(evA.object) && Object.isFrozen(evA.object.spec) && Object.isFrozen(evA.object.metadata));
    assert.throws(() => { (evA.object.spec as Record<string, unknown>)['type'] = 'NodePort'; }, TypeError);
    assert.equal(evB.object, evA.object, 'one object per event, shared by every watch of the resource');
    assert.notEqual((evB.object.spec as Record<string, unknown>)['type'], 'NodePort');
  } finally {
    ac.abort();
  }
  const listed = (await src.list(SERVICES, 'default')).items[0];
  const got = await src.get(SERVICES, 'default', 'web');
  assert.ok(listed && !Object.isFrozen(listed) && !Object.isFrozen(got));
  (listed.spec as Record<string, unknown>)['type'] = 'NodePort';
  (got.spec as Record<string, unknown>)['type'] = 'NodePort';
  assert.notEqual(((await src.get(SERVICES, 'default', 'web')).spec as Record<string, unknown>)['type'], 'NodePort');
});
