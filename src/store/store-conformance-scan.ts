// runScanConformance is the scan half of runStoreConformance (see store-conformance.ts): a scan shows
// the state at one revision even when writes commit between its chunks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from './store.ts';
import { key, rejectsWith, svc, SVC, TIMEOUT, withStore } from './conformance-helpers.ts';

const PREFIX = '/registry/services/ns/';
const name = (i: number): string => `s${String(i).padStart(3, '0')}`;

// seed creates s000..s(n-1) in namespace ns.
async function seed(s: Store, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => s.create(SVC, key('ns', name(i)), svc('ns', name(i)))));
}

// snapshotOf is what a scan returned, as key → resourceVersion.
async function scanned(s: Store, opts: Parameters<Store['scan']>[1]): Promise<{ revisions: Set<number>; items: Array<[string, string]>; chunks: number }> {
  const items: Array<[string, string]> = [];
  const revisions = new Set<number>();
  let chunks = 0;
  for await (const c of s.scan(PREFIX, opts)) {
    chunks++;
    revisions.add(c.revision);
    for (const it of c.items) items.push([it.key, String(JSON.parse(it.text).metadata.resourceVersion)]);
  }
  return { revisions, items, chunks };
}

async function state(s: Store): Promise<Array<[string, string]>> {
  return (await s.list(PREFIX)).items.map((o) => [key('ns', o.metadata?.name ?? ''), o.metadata?.resourceVersion ?? '']);
}

export function runScanConformance(open: () => Promise<Store>): void {
  test('scan shows one revision while writes commit between its chunks', TIMEOUT, () => withStore(open, async (s) => {
    await seed(s, 30);
    const before = await state(s);
    const items: Array<[string, string]> = [];
    let chunks = 0;
    let rev = 0;
    for await (const c of s.scan(PREFIX, { chunkSize: 4 })) {
      rev = c.revision;
      for (const it of c.items) items.push([it.key, String(JSON.parse(it.text).metadata.resourceVersion)]);
      if (chunks++ === 1) {
        // Behind the cursor, ahead of it, modified, deleted, created, deleted then re-created.
        await s.guaranteedUpdate(SVC, key('ns', name(0)), (o) => ({ ...o, spec: { v: 2 } }));
        await s.guaranteedUpdate(SVC, key('ns', name(20)), (o) => ({ ...o, spec: { v: 2 } }));
        await s.delete(SVC, key('ns', name(21)));
        await s.create(SVC, key('ns', 's015x'), svc('ns', 's015x'));
        await s.delete(SVC, key('ns', name(25)));
        await s.create(SVC, key('ns', name(25)), svc('ns', name(25)));
        await s.create(SVC, key('ns', 's001x'), svc('ns', 's001x'));
      }
    }
    assert.ok(chunks >= 8, `want several chunks, got ${chunks}`);
    assert.equal(rev, Number(before.at(-1)?.[1]));
    assert.deepEqual(items, before);
    assert.equal((await state(s)).length, 31);
  }));

  test('scan at a past revision rewinds later writes; after starts past a key', TIMEOUT, () => withStore(open, async (s) => {
    await seed(s, 10);
    const before = await state(s);
    const rev = s.currentRevision();
    await s.guaranteedUpdate(SVC, key('ns', name(3)), (o) => ({ ...o, spec: { v: 2 } }));
    await s.delete(SVC, key('ns', name(5)));
    await s.create(SVC, key('ns', 's100'), svc('ns', 's100'));
    const got = await scanned(s, { revision: rev, chunkSize: 3 });
    assert.deepEqual([...got.revisions], [rev]);
    assert.deepEqual(got.items, before);
    const tail = await scanned(s, { revision: rev, after: key('ns', name(4)) });
    assert.deepEqual(tail.items, before.slice(5));
    const page = await s.list(PREFIX, { revision: rev, limit: 4, continueKey: key('ns', name(2)) });
    assert.deepEqual(page.items.map((o) => o.metadata?.name), [name(3), name(4), name(5), name(6)]);
    assert.equal(page.items[0]?.metadata?.resourceVersion, before[3]?.[1]);
    assert.equal(page.revision, rev);
  }));

  test('an empty prefix scans as one empty chunk at the current revision', TIMEOUT, () => withStore(open, async (s) => {
    await seed(s, 2);
    const got = await scanned(s, {});
    assert.equal(got.chunks, 1);
    const empty = [];
    for await (const c of s.scan('/registry/services/none/')) empty.push(c);
    assert.deepEqual(empty, [{ revision: s.currentRevision(), items: [] }]);
  }));

  test('scan outside the kept history is 410; beyond the last commit 504', TIMEOUT, () => withStore(open, async (s) => {
    const cur = s.currentRevision();
    await rejectsWith(scanned(s, { revision: cur + 5 }), 504, `Too large resource version: ${cur + 5}, current: ${cur}`);
    for (let i = 0; i < 150; i++) await s.create(SVC, key('ns', `c${i}`), svc('ns', `c${i}`));
    const deadline = Date.now() + 10_000;
    while (s.compactedRevision() <= 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const compacted = s.compactedRevision();
    assert.ok(compacted > 1, 'the store compacted');
    await rejectsWith(scanned(s, { revision: 1 }), 410, `too old resource version: 1 (${compacted})`);
  }));
}
