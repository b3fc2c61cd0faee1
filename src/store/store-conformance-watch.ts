// runWatchConformance is the watch half of runStoreConformance (see store-conformance.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../lib/errors.ts';
import type { Store, StoreEvent } from './store.ts';
import { key, rejectsWith, svc, SVC, TIMEOUT, withStore } from './conformance-helpers.ts';

// take reads n events from a watch, failing after ms.
async function take(it: AsyncIterable<StoreEvent>, n: number, ms = 5_000): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  if (n === 0) return out;
  const iter = it[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${out.length}/${n} events`)), ms); });
  try {
    while (out.length < n) {
      const r = await Promise.race([iter.next(), timeout]);
      if (r.done) throw new Error(`watch ended after ${out.length}/${n} events`);
      out.push(r.value);
    }
  } finally { clearTimeout(timer); }
  return out;
}

function summary(evs: StoreEvent[]): string[] {
  return evs.map((e) => `${e.type} ${e.key} ${e.revision}`);
}

export function runWatchConformance(open: () => Promise<Store>): void {
  test('watch from 0 yields only changes after the call', TIMEOUT, () => withStore(open, async (s) => {
    await s.create(SVC, key('default', 'old'), svc('default', 'old'));
    const ac = new AbortController();
    const w = s.watch('/registry/services/', 0, ac.signal);
    const a = await s.create(SVC, key('default', 'new'), svc('default', 'new'));
    const [ev] = await take(w, 1);
    ac.abort();
    assert.equal(ev?.type, 'ADDED');
    assert.equal(ev?.key, key('default', 'new'));
    assert.equal(ev?.revision, Number(a.metadata?.resourceVersion));
    assert.deepEqual(ev?.object, a);
    assert.equal(ev?.prevObject, undefined);
  }));

  test('watch from a past revision replays history in order, then follows live', TIMEOUT, () => withStore(open, async (s) => {
    const r0 = s.currentRevision();
    await s.create(SVC, key('ns', 'a'), svc('ns', 'a'));
    await s.create(SVC, key('other', 'x'), svc('other', 'x'));
    await s.guaranteedUpdate(SVC, key('ns', 'a'), (o) => ({ ...o, n: 1 }));
    await s.create(SVC, key('ns', 'b'), svc('ns', 'b'));
    const ac = new AbortController();
    const w = s.watch('/registry/services/ns/', r0 + 1, ac.signal);
    await s.delete(SVC, key('ns', 'b'));
    const evs = await take(w, 3);
    ac.abort();
    assert.deepEqual(summary(evs), [
      `MODIFIED ${key('ns', 'a')} ${r0 + 3}`, `ADDED ${key('ns', 'b')} ${r0 + 4}`, `DELETED ${key('ns', 'b')} ${r0 + 5}`,
    ]);
    assert.equal(evs[0]?.prevObject?.['n'], undefined);
    assert.equal(evs[0]?.object['n'], 1);
    assert.equal(evs[0]?.prevObject?.metadata?.resourceVersion, String(r0 + 1));
  }));

  test('DELETED carries the last state at the delete revision, and prevObject', TIMEOUT, () => withStore(open, async (s) => {
    const k = key('ns', 'a');
    await s.create(SVC, k, svc('ns', 'a'));
    const last = await s.guaranteedUpdate(SVC, k, (o) => ({ ...o, n: 2 }));
    const ac = new AbortController();
    const w = s.watch('/registry/services/', 0, ac.signal);
    const deleted = await s.delete(SVC, k);
    const [ev] = await take(w, 1);
    ac.abort();
    assert.equal(ev?.type, 'DELETED');
    assert.equal(ev?.revision, s.currentRevision());
    assert.equal(ev?.object.metadata?.resourceVersion, String(s.currentRevision()));
    assert.equal(ev?.object['n'], 2);
    assert.deepEqual(ev?.object, deleted);
    assert.deepEqual(ev?.prevObject, last);
  }));

  test('watch ends when its signal aborts, and an aborted signal yields nothing', TIMEOUT, () => withStore(open, async (s) => {
    const ac = new AbortController();
    const w = s.watch('/registry/services/', 0, ac.signal);
    const done = (async () => { let n = 0; for await (const _ of w) n++; return n; })();
    await s.create(SVC, key('ns', 'a'), svc('ns', 'a'));
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    assert.equal(await done, 1);
    await s.create(SVC, key('ns', 'b'), svc('ns', 'b'));
    const pre = AbortSignal.abort();
    let n = 0;
    for await (const _ of s.watch('/registry/services/', 1, pre)) n++;
    assert.equal(n, 0);
  }));

  test('watch from a compacted revision fails with 410 Gone', TIMEOUT, () => withStore(open, async (s) => {
    const start = s.currentRevision() + 1;
    await s.create(SVC, key('ns', 'c'), svc('ns', 'c', { n: 0 }));
    const deadline = Date.now() + 15_000;
    while (s.compactedRevision() <= start && Date.now() < deadline) {
      for (let i = 0; i < 50; i++) await s.guaranteedUpdate(SVC, key('ns', 'c'), (o) => ({ ...o, n: Number(o['n']) + 1 }));
      await new Promise((r) => setTimeout(r, 5));
    }
    const compacted = s.compactedRevision();
    assert.ok(compacted > start, `store never compacted past ${start}`);
    const ac = new AbortController();
    await rejectsWith(take(s.watch('/registry/services/', start, ac.signal), 1), 410, `too old resource version: ${start} (${compacted})`);
    await assert.rejects(take(s.watch('/registry/services/', start, ac.signal), 1), (e: unknown) => isApiError(e) && e.reason === 'Expired');
    const w = s.watch('/registry/services/', compacted, ac.signal);
    const evs = await take(w, s.currentRevision() - compacted);
    ac.abort();
    assert.equal(evs.at(-1)?.revision, s.currentRevision());
  }));

  test('many concurrent watchers each see every event in order', TIMEOUT, () => withStore(open, async (s) => {
    const ac = new AbortController();
    const r0 = s.currentRevision();
    const watchers = Array.from({ length: 50 }, (_, i) => s.watch(i % 2 ? '/registry/services/' : '/registry/', 0, ac.signal));
    const reads = watchers.map((w) => take(w, 100));
    for (let i = 0; i < 100; i++) await s.create(SVC, key('ns', `s${i}`), svc('ns', `s${i}`));
    const want = Array.from({ length: 100 }, (_, i) => r0 + 1 + i);
    for (const evs of await Promise.all(reads)) assert.deepEqual(evs.map((e) => e.revision), want);
    ac.abort();
  }));

  test('watch filters by prefix and stops when the consumer breaks', TIMEOUT, () => withStore(open, async (s) => {
    const ac = new AbortController();
    const w = s.watch('/registry/services/default/', 0, ac.signal);
    await s.create(SVC, key('default2', 'a'), svc('default2', 'a'));
    await s.create(SVC, key('default', 'b'), svc('default', 'b'));
    let got = '';
    for await (const ev of w) { got = ev.key; break; }
    assert.equal(got, key('default', 'b'));
    await s.create(SVC, key('default', 'c'), svc('default', 'c'));
    const after = await w[Symbol.asyncIterator]().next();
    assert.equal(after.done, true);
    ac.abort();
  }));

  test('close settles writes issued before it and ends open watches', TIMEOUT, async () => {
    const s = await open();
    const ac = new AbortController();
    const w = s.watch('/registry/', 0, ac.signal);
    const ended = (async () => { let n = 0; for await (const _ of w) n++; return n; })();
    const pending = s.create(SVC, key('ns', 'last'), svc('ns', 'last'));
    await s.close();
    assert.equal((await pending).metadata?.name, 'last');
    assert.ok((await ended) <= 1);
    await assert.rejects(s.get(SVC, key('ns', 'last')));
    ac.abort();
  });
}
