// runStoreConformance is the one test suite every Store passes (node:test). open() must return a fresh,
// empty store each call, configured with a small history window (at most ~100 revisions) and prompt
// compaction, so the compaction case finishes quickly. The suite closes every store it opens.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../api/types.ts';
import type { Store } from './store.ts';
import { ING, key, rejectsWith, svc, SVC, TIMEOUT, withStore } from './conformance-helpers.ts';
import { runScanConformance } from './store-conformance-scan.ts';
import { runWatchConformance } from './store-conformance-watch.ts';

export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    runCrudConformance(open);
    runListConformance(open);
    runUpdateConformance(open);
    runWatchConformance(open);
    runScanConformance(open);
  });
}

function runCrudConformance(open: () => Promise<Store>): void {
  test('create stamps resourceVersion = the new revision and leaves the input alone', TIMEOUT, () => withStore(open, async (s) => {
    const r0 = s.currentRevision();
    const input = svc('default', 'a', { metadata: { name: 'a', namespace: 'default', resourceVersion: '999' } });
    const before = structuredClone(input);
    const out = await s.create(SVC, key('default', 'a'), input);
    assert.deepEqual(input, before);
    assert.equal(s.currentRevision(), r0 + 1);
    assert.equal(out.metadata?.resourceVersion, String(r0 + 1));
    assert.deepEqual(await s.get(SVC, key('default', 'a')), out);
  }));

  test('every write bumps the revision by one', TIMEOUT, () => withStore(open, async (s) => {
    const revs: number[] = [];
    const k = key('default', 'm');
    revs.push(Number((await s.create(SVC, k, svc('default', 'm'))).metadata?.resourceVersion));
    revs.push(Number((await s.guaranteedUpdate(SVC, k, (o) => ({ ...o, spec: { n: 1 } }))).metadata?.resourceVersion));
    revs.push(Number((await s.create(SVC, key('default', 'n'), svc('default', 'n'))).metadata?.resourceVersion));
    revs.push(Number((await s.delete(SVC, k)).metadata?.resourceVersion));
    for (let i = 1; i < revs.length; i++) assert.equal(revs[i], (revs[i - 1] ?? 0) + 1);
    assert.equal(s.currentRevision(), revs.at(-1));
  }));

  const errorCases = [
    { desc: 'create of an existing key is AlreadyExists', gr: SVC, code: 409, want: 'services "a" already exists',
      run: (s: Store) => s.create(SVC, key('default', 'a'), svc('default', 'a')) },
    { desc: 'get of a missing key is NotFound', gr: SVC, code: 404, want: 'services "nope" not found',
      run: (s: Store) => s.get(SVC, key('default', 'nope')) },
    { desc: 'NotFound names a grouped resource', gr: ING, code: 404, want: 'ingresses.networking.k8s.io "nope" not found',
      run: (s: Store) => s.get(ING, '/registry/ingresses/default/nope') },
    { desc: 'delete of a missing key is NotFound', gr: SVC, code: 404, want: 'services "nope" not found',
      run: (s: Store) => s.delete(SVC, key('default', 'nope')) },
    { desc: 'guaranteedUpdate of a missing key is NotFound', gr: SVC, code: 404, want: 'services "nope" not found',
      run: (s: Store) => s.guaranteedUpdate(SVC, key('default', 'nope'), (o) => o) },
    { desc: 'update with a stale resourceVersion is Conflict', gr: SVC, code: 409,
      want: 'Operation cannot be fulfilled on services "a": the object has been modified; please apply your changes to the latest version and try again',
      run: (s: Store) => s.guaranteedUpdate(SVC, key('default', 'a'), (o) => ({ ...o, x: 1 }), { resourceVersion: '1234567' }) },
    { desc: 'update with another uid is Conflict', gr: SVC, code: 409,
      want: 'Operation cannot be fulfilled on services "a": Precondition failed: UID in precondition: other, UID in object meta: uid-default-a',
      run: (s: Store) => s.guaranteedUpdate(SVC, key('default', 'a'), (o) => ({ ...o, x: 1 }), { uid: 'other' }) },
    { desc: 'delete with a stale resourceVersion is Conflict', gr: SVC, code: 409,
      want: /^Operation cannot be fulfilled on services "a": Precondition failed: ResourceVersion in precondition: 1234567, ResourceVersion in object meta: \d+$/,
      run: (s: Store) => s.delete(SVC, key('default', 'a'), { resourceVersion: '1234567' }) },
    { desc: 'delete with another uid is Conflict', gr: SVC, code: 409,
      want: 'Operation cannot be fulfilled on services "a": Precondition failed: UID in precondition: other, UID in object meta: uid-default-a',
      run: (s: Store) => s.delete(SVC, key('default', 'a'), { uid: 'other' }) },
  ];
  for (const c of errorCases) {
    test(c.desc, TIMEOUT, () => withStore(open, async (s) => {
      await s.create(SVC, key('default', 'a'), svc('default', 'a'));
      const rev = s.currentRevision();
      await rejectsWith(c.run(s), c.code, c.want);
      assert.equal(s.currentRevision(), rev, 'a failed operation writes nothing');
      assert.equal(await s.count('/registry/services/'), 1);
    }));
  }

  test('matching preconditions let update and delete through', TIMEOUT, () => withStore(open, async (s) => {
    const k = key('default', 'a');
    const a = await s.create(SVC, k, svc('default', 'a'));
    const pre = { uid: 'uid-default-a', resourceVersion: a.metadata?.resourceVersion ?? '' };
    const b = await s.guaranteedUpdate(SVC, k, (o) => ({ ...o, spec: { changed: true } }), pre);
    assert.deepEqual(b.spec, { changed: true });
    const gone = await s.delete(SVC, k, { uid: 'uid-default-a', resourceVersion: b.metadata?.resourceVersion ?? '' });
    assert.equal(gone.metadata?.resourceVersion, String(s.currentRevision()));
    assert.deepEqual(gone.spec, { changed: true });
    await rejectsWith(s.get(SVC, k), 404, 'services "a" not found');
    assert.equal(await s.count('/registry/services/'), 0);
  }));

  test('writes issued together get consecutive revisions, and reads see earlier writes', TIMEOUT, () => withStore(open, async (s) => {
    const r0 = s.currentRevision();
    const creates = Array.from({ length: 50 }, (_, i) => s.create(SVC, key('burst', `s${i}`), svc('burst', `s${i}`)));
    const read = s.get(SVC, key('burst', 's49'));
    const outs = await Promise.all(creates);
    assert.deepEqual(outs.map((o) => Number(o.metadata?.resourceVersion)), Array.from({ length: 50 }, (_, i) => r0 + 1 + i));
    assert.deepEqual(await read, outs[49]);
    assert.equal(s.currentRevision(), r0 + 50);
    assert.equal(await s.count('/registry/services/burst/'), 50);
  }));

  test('a get waits for the open batch only when it wrote the key, and never returns uncommitted state', TIMEOUT, () => withStore(open, async (s) => {
    const a = await s.create(SVC, key('default', 'a'), svc('default', 'a'));
    const order: string[] = [];
    const write = s.create(SVC, key('default', 'b'), svc('default', 'b')).then(() => { order.push('write'); });
    const other = s.get(SVC, key('default', 'a')).then((o) => { order.push('other'); return o; });
    const same = s.get(SVC, key('default', 'b')).then((o) => { order.push('same'); return o; });
    const update = s.guaranteedUpdate(SVC, key('default', 'a'), (o) => ({ ...o, spec: { changed: true } }));
    const stale = s.get(SVC, key('default', 'a'));
    await Promise.all([write, other, same, update]);
    assert.deepEqual(order, ['other', 'write', 'same']);
    assert.deepEqual(await other, a);
    assert.equal((await same).metadata?.name, 'b');
    assert.deepEqual((await stale).spec, { changed: true }, 'a get issued after an update sees it');
  }));

  // Writers that write again as soon as their write commits keep a batch open nearly all the time: a read
  // must wait for one commit at most (it used to wait for a moment with no batch open, for seconds), and
  // still see only committed state.
  test('reads are not starved by a steady stream of writes, and see only committed state', TIMEOUT, () => withStore(open, async (s) => {
    await s.create(SVC, key('steady', 'probe'), svc('steady', 'probe'));
    let writes = 0;
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop && i < 2000; i++) { await s.create(SVC, key('steady', `w${w}-${i}`), svc('steady', `w${w}-${i}`)); writes++; }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (writes < 40) await new Promise((r) => setImmediate(r));
    const before = writes;
    const got = await s.get(SVC, key('steady', 'probe'));
    const n = await s.count('/registry/services/steady/');
    const committed = s.currentRevision();
    const after = writes;
    stop = true;
    await Promise.all(writers);
    assert.equal(got.metadata?.name, 'probe');
    assert.ok(after - before < 200, `the read waited for ${after - before} writes`);
    assert.ok(n <= 1 + after + 8, `count ${n} includes uncommitted writes (${after} acknowledged)`);
    assert.ok(Number(got.metadata?.resourceVersion) <= committed);
  }));

  test('returned objects are copies: mutating them changes nothing stored', TIMEOUT, () => withStore(open, async (s) => {
    const k = key('default', 'a');
    const a = await s.create(SVC, k, svc('default', 'a'));
    (a.spec as Record<string, unknown>)['mutated'] = true;
    const b = await s.get(SVC, k);
    (b.spec as Record<string, unknown>)['mutated'] = true;
    assert.deepEqual((await s.get(SVC, k)).spec, { ports: [{ port: 80 }] });
  }));
}

function runListConformance(open: () => Promise<Store>): void {
  test('list and count isolate prefixes ("default/" does not match "default2/")', TIMEOUT, () => withStore(open, async (s) => {
    for (const [ns, n] of [['default', 'b'], ['default', 'a'], ['default2', 'a'], ['defaul', 'x']] as const) await s.create(SVC, key(ns, n), svc(ns, n));
    await s.create(SVC, '/registry/servicesx/default/a', svc('default', 'a'));
    const res = await s.list('/registry/services/default/');
    assert.deepEqual(res.items.map((o) => o.metadata?.name), ['a', 'b']);
    assert.equal(res.revision, s.currentRevision());
    assert.equal(res.continueKey, undefined);
    assert.equal(await s.count('/registry/services/default/'), 2);
    assert.equal(await s.count('/registry/services/'), 4);
    assert.equal((await s.list('/registry/services/')).items.length, 4);
    assert.equal(await s.count('/registry/nothing/'), 0);
  }));

  test('list pages with limit, continueKey and remaining, in key order', TIMEOUT, () => withStore(open, async (s) => {
    const names = ['e', 'c', 'a', 'd', 'b'];
    for (const n of names) await s.create(SVC, key('ns', n), svc('ns', n));
    const seen: string[] = [];
    const remainings: (number | undefined)[] = [];
    let cont: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await s.list('/registry/services/ns/', { limit: 2, ...(cont ? { continueKey: cont } : {}) });
      seen.push(...res.items.map((o) => o.metadata?.name ?? ''));
      remainings.push(res.remaining);
      cont = res.continueKey;
      if (!cont) break;
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(remainings, [3, 1, undefined]);
  }));

  test('list filter runs before limit: limit counts matching items', TIMEOUT, () => withStore(open, async (s) => {
    for (let i = 0; i < 10; i++) await s.create(SVC, key('ns', `s${i}`), svc('ns', `s${i}`, { odd: i % 2 === 1 }));
    const filter = (o: KubeObject): boolean => o['odd'] === true;
    const first = await s.list('/registry/services/ns/', { limit: 3, filter });
    assert.deepEqual(first.items.map((o) => o.metadata?.name), ['s1', 's3', 's5']);
    assert.ok(first.continueKey);
    const rest = await s.list('/registry/services/ns/', { limit: 3, filter, continueKey: first.continueKey });
    assert.deepEqual(rest.items.map((o) => o.metadata?.name), ['s7', 's9']);
    assert.equal(rest.continueKey, undefined);
    assert.deepEqual((await s.list('/registry/services/ns/', { filter })).items.length, 5);
  }));
}

function runUpdateConformance(open: () => Promise<Store>): void {
  const noopCases = [
    { desc: 'returning the current object', fn: (o: KubeObject): KubeObject => o },
    { desc: 'returning an equal object with keys in another order', fn: (o: KubeObject): KubeObject => JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(o).reverse()))) },
    { desc: 'returning an equal object with a stale resourceVersion', fn: (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: '1' } }) },
    { desc: 'an async tryUpdate returning the same object', fn: async (o: KubeObject): Promise<KubeObject> => o },
  ];
  for (const c of noopCases) {
    test(`a no-op guaranteedUpdate writes nothing: ${c.desc}`, TIMEOUT, () => withStore(open, async (s) => {
      const k = key('default', 'a');
      const a = await s.create(SVC, k, svc('default', 'a'));
      const rev = s.currentRevision();
      const b = await s.guaranteedUpdate(SVC, k, c.fn);
      assert.equal(s.currentRevision(), rev);
      assert.deepEqual(b, a);
    }));
  }

  test('guaranteedUpdate passes the current object and stores the result', TIMEOUT, () => withStore(open, async (s) => {
    const k = key('default', 'a');
    await s.create(SVC, k, svc('default', 'a'));
    const out = await s.guaranteedUpdate(SVC, k, (o) => { o['status'] = { ok: true }; return o; });
    assert.deepEqual(out['status'], { ok: true });
    assert.equal(out.metadata?.resourceVersion, String(s.currentRevision()));
    assert.deepEqual(await s.get(SVC, k), out);
  }));

  const raceCases = [
    { desc: 'sync tryUpdate', delay: false },
    { desc: 'async tryUpdate (forces retries)', delay: true },
  ];
  for (const c of raceCases) {
    test(`20 concurrent guaranteedUpdates on one key lose nothing: ${c.desc}`, TIMEOUT, () => withStore(open, async (s) => {
      const k = key('default', 'counter');
      await s.create(SVC, k, svc('default', 'counter', { n: 0 }));
      const rev = s.currentRevision();
      const inc = async (o: KubeObject): Promise<KubeObject> => {
        if (c.delay) await new Promise((r) => setImmediate(r));
        return { ...o, n: Number(o['n']) + 1 };
      };
      await Promise.all(Array.from({ length: 20 }, () => s.guaranteedUpdate(SVC, k, c.delay ? inc : (o) => ({ ...o, n: Number(o['n']) + 1 }))));
      assert.equal((await s.get(SVC, k))['n'], 20);
      assert.equal(s.currentRevision(), rev + 20);
    }));
  }

  test('guaranteedUpdate racing a delete fails with NotFound', TIMEOUT, () => withStore(open, async (s) => {
    const k = key('default', 'a');
    await s.create(SVC, k, svc('default', 'a'));
    const upd = rejectsWith(s.guaranteedUpdate(SVC, k, async (o) => { await new Promise((r) => setImmediate(r)); return { ...o, x: 1 }; }), 404, 'services "a" not found');
    await s.delete(SVC, k);
    await upd;
  }));
}
