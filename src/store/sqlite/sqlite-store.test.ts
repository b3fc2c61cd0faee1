import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { runStoreConformance } from '../store-conformance.ts';
import { openSqliteStore } from './sqlite-store.ts';

const SVC = { group: '', resource: 'services' };
let dir = '';
let n = 0;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'portico-sqlite-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });
const fresh = (): string => join(dir, `db-${n++}`, 'state.db');

runStoreConformance('sqlite', () => openSqliteStore({ path: fresh(), historyRevisions: 50, compactIntervalMs: 5 }));
runStoreConformance('sqlite (synchronous FULL, inline compaction)', () => openSqliteStore({ path: fresh(), historyRevisions: 50, compactIntervalMs: 0, synchronous: 'FULL' }));

describe('sqlite store durability', () => {
  test('reopen keeps objects, revision and compaction point', { timeout: 20_000 }, async () => {
    const path = fresh();
    const s1 = await openSqliteStore({ path, historyRevisions: 10, compactIntervalMs: 0 });
    for (let i = 0; i < 30; i++) await s1.create(SVC, `/registry/services/ns/s${i}`, { metadata: { name: `s${i}` } });
    await s1.delete(SVC, '/registry/services/ns/s0');
    const rev = s1.currentRevision();
    const compacted = s1.compactedRevision();
    await s1.close();
    const s2 = await openSqliteStore({ path, historyRevisions: 10, compactIntervalMs: 0 });
    try {
      assert.equal(s2.currentRevision(), rev);
      assert.equal(s2.compactedRevision(), compacted);
      assert.equal(await s2.count('/registry/services/'), 29);
      assert.equal((await s2.get(SVC, '/registry/services/ns/s29')).metadata?.resourceVersion, '30');
      const next = await s2.create(SVC, '/registry/services/ns/new', { metadata: { name: 'new' } });
      assert.equal(next.metadata?.resourceVersion, String(rev + 1));
    } finally { await s2.close(); }
  });

  test('a second process cannot open a database in use', { timeout: 20_000 }, async () => {
    const path = fresh();
    const s1 = await openSqliteStore({ path });
    try {
      const code = `import('${join(import.meta.dirname, 'sqlite-store.ts')}').then((m) => m.openSqliteStore({ path: ${JSON.stringify(path)} })).then(() => process.exit(0), () => process.exit(3));`;
      const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
      const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(exit, 3);
    } finally { await s1.close(); }
  });

  test('kill -9 mid-stream loses no acknowledged write', { timeout: 30_000 }, async () => {
    const path = fresh();
    const acked = await runAndKill(path, 400);
    assert.ok(acked.size >= 400);
    const s = await openSqliteStore({ path });
    try {
      for (const [key, rv] of acked) {
        const o = await s.get(SVC, key);
        assert.ok(Number(o.metadata?.resourceVersion) >= Number(rv), `${key} at ${o.metadata?.resourceVersion}, acked ${rv}`);
      }
      const max = Math.max(...[...acked.values()].map(Number));
      assert.ok(s.currentRevision() >= max);
      const more = await s.create(SVC, '/registry/services/crash/after', { metadata: { name: 'after' } });
      assert.equal(Number(more.metadata?.resourceVersion), s.currentRevision());
    } finally { await s.close(); }
  });
});

// runAndKill runs the crash writer against path, SIGKILLs it after `acks` acknowledged writes, and returns the
// acknowledged keys with the last resourceVersion acknowledged for each.
async function runAndKill(path: string, acks: number): Promise<Map<string, string>> {
  const script = join(import.meta.dirname, 'testdata', 'crash-writer.ts');
  const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const acked = new Map<string, string>();
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const [kind, key, rv] = line.split(' ');
      if ((kind === 'ack' || kind === 'upd') && key && rv) acked.set(key, rv);
      if (acked.size >= acks) { child.kill('SIGKILL'); break; }
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  // Lines already in the pipe after the kill were acknowledged too; the child wrote them after committing.
  return acked;
}
