import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byKind } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import { FakeSource } from '../client/sources/fake-source.ts';
import { Informer } from './informer.ts';
import { waitForSync } from './wait-for-sync.ts';

const cmInfo = byKind('', 'v1', 'ConfigMap') as ResourceInfo;
const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'default', labels }, data });

// until polls cond every ms until it holds or 2 s pass.
async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function record(inf: Informer): string[] {
  const events: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => events.push(`add ${o.metadata?.name}`),
    onUpdate: (p, c) => events.push(`update ${c.metadata?.name} ${JSON.stringify(p['data'])}->${JSON.stringify(c['data'])}`),
    onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  return events;
}

test('informer lists, watches and delivers events in order', async () => {
  const src = new FakeSource();
  await src.create(cmInfo, cm('a'));
  const inf = new Informer({ source: src, info: cmInfo });
  const events = record(inf);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  assert.equal(await waitForSync([inf], ac.signal), true);
  assert.deepEqual(events, ['add a']);
  await src.create(cmInfo, cm('b'));
  const b = await src.get(cmInfo, 'default', 'b');
  await src.update(cmInfo, { ...b, data: { x: '1' } });
  await src.delete(cmInfo, 'default', 'a');
  await until(() => events.length === 4);
  assert.deepEqual(events, ['add a', 'add b', 'update b {}->{"x":"1"}', 'delete a']);
  assert.equal(inf.get('default/b')?.['data'] !== undefined, true);
  assert.equal(inf.get('default/a'), undefined);
  assert.equal(Object.isFrozen(inf.get('default/b')), true);
  ac.abort();
  await done;
});

test('informer relists on 410 Gone and emits only the differences', async () => {
  const src = new FakeSource();
  await src.create(cmInfo, cm('a'));
  await src.create(cmInfo, cm('b'));
  // stale lists once, then changes the world and compacts history: the watch from that list gets 410.
  let lists = 0;
  const stale = Object.create(src) as FakeSource;
  stale.list = async (...args: Parameters<FakeSource['list']>) => {
    const l = await src.list(...args);
    if (lists++ === 0) {
      await src.delete(cmInfo, 'default', 'a');
      await src.create(cmInfo, cm('c'));
      src.compact();
    }
    return l;
  };
  stale.watch = (...args: Parameters<FakeSource['watch']>) => src.watch(...args);
  const errors: unknown[] = [];
  const inf = new Informer({ source: stale, info: cmInfo, onError: (e) => errors.push(e) });
  const events = record(inf);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await until(() => events.length === 4);
  assert.deepEqual(events, ['add a', 'add b', 'add c', 'delete a']);
  assert.equal(lists, 2);
  assert.equal((errors[0] as { code?: number }).code, 410);
  ac.abort();
  await done;
});

test('informer indexes follow updates', async () => {
  const src = new FakeSource();
  await src.create(cmInfo, cm('a', {}, { app: 'x' }));
  await src.create(cmInfo, cm('b', {}, { app: 'y' }));
  const inf = new Informer({ source: src, info: cmInfo });
  inf.addIndex('app', (o) => [o.metadata?.labels?.['app'] ?? '']);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await waitForSync([inf], ac.signal);
  const cases = [
    { desc: 'x initially', value: 'x', want: ['a'] },
    { desc: 'y initially', value: 'y', want: ['b'] },
  ];
  for (const c of cases) assert.deepEqual(inf.byIndex('app', c.value).map((o) => o.metadata?.name), c.want, c.desc);
  const b = await src.get(cmInfo, 'default', 'b');
  await src.update(cmInfo, { ...b, metadata: { ...b.metadata, labels: { app: 'x' } } });
  await until(() => inf.byIndex('app', 'x').length === 2);
  assert.deepEqual(inf.byIndex('app', 'y'), []);
  ac.abort();
  await done;
});

test('informer with label selector sees objects leave the selection as deletes', async () => {
  const src = new FakeSource();
  await src.create(cmInfo, cm('a', {}, { app: 'x' }));
  const inf = new Informer({ source: src, info: cmInfo, labelSelector: 'app=x' });
  const events = record(inf);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await waitForSync([inf], ac.signal);
  const a = await src.get(cmInfo, 'default', 'a');
  await src.update(cmInfo, { ...a, metadata: { ...a.metadata, labels: { app: 'y' } } });
  await until(() => events.length === 2);
  assert.deepEqual(events, ['add a', 'delete a']);
  ac.abort();
  await done;
});

test('informer retries a failing list with backoff', async () => {
  const src = new FakeSource();
  await src.create(cmInfo, cm('a'));
  let calls = 0;
  const flaky = Object.create(src) as FakeSource;
  flaky.list = async (...args: Parameters<FakeSource['list']>) => {
    calls++;
    if (calls === 1) throw new Error('connection refused');
    return src.list(...args);
  };
  flaky.watch = (...args: Parameters<FakeSource['watch']>) => src.watch(...args);
  const inf = new Informer({ source: flaky, info: cmInfo });
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await waitForSync([inf], ac.signal);
  assert.equal(calls, 2);
  assert.equal(inf.list().length, 1);
  ac.abort();
  await done;
});
