import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { isApiError } from '../../lib/errors.ts';
import { KvStore } from '../kv-store.ts';
import { SqliteEngine } from './sqlite-engine.ts';

const SVC = { group: '', resource: 'services' };

// openFailing returns a store whose writes of keys ending in "/fail" throw inside the engine, the way a full
// disk would fail a statement in the middle of a batch.
function openFailing(): KvStore {
  const db = new DatabaseSync(':memory:');
  const engine = new SqliteEngine(db);
  db.exec(`CREATE TRIGGER fail BEFORE INSERT ON log WHEN NEW.key LIKE '%/fail' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
  return new KvStore({ engine, historyRevisions: 100, compactIntervalMs: 0 });
}

test('a write failing inside a batch rolls back the whole batch and publishes nothing', { timeout: 10_000 }, async () => {
  const s = openFailing();
  try {
    await s.create(SVC, '/registry/services/ns/before', { metadata: { name: 'before' } });
    const ac = new AbortController();
    const events: number[] = [];
    const watching = (async () => { for await (const ev of s.watch('/registry/', 0, ac.signal)) events.push(ev.revision); })();
    const batch = [
      s.create(SVC, '/registry/services/ns/a', { metadata: { name: 'a' } }),
      s.create(SVC, '/registry/services/ns/fail', { metadata: { name: 'fail' } }),
      s.create(SVC, '/registry/services/ns/b', { metadata: { name: 'b' } }),
    ];
    const results = await Promise.allSettled(batch);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'fulfilled']);
    for (const r of results.slice(0, 2)) {
      assert.ok(r.status === 'rejected' && isApiError(r.reason) && r.reason.code === 500, 'storage failures are 500 InternalError');
      assert.match(String(r.reason.message), /^Internal error occurred: storage: disk on fire/);
    }
    assert.equal(s.currentRevision(), 2, 'b committed alone, in a new batch, at the next revision');
    assert.deepEqual((await s.list('/registry/services/ns/')).items.map((o) => o.metadata?.name), ['b', 'before']);
    const after = await s.create(SVC, '/registry/services/ns/after', { metadata: { name: 'after' } });
    assert.equal(after.metadata?.resourceVersion, '3');
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await watching;
    assert.deepEqual(events, [2, 3]);
  } finally { await s.close(); }
});
