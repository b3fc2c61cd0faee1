// openSqliteStore opens (or creates) the embedded store: node:sqlite in WAL mode, the kine/k3s approach.
// See README.md beside this file for the theory of operation and the durability argument.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { KvStore } from '../kv-store.ts';
import type { Store } from '../store.ts';
import { SqliteEngine } from './sqlite-engine.ts';

export interface SqliteStoreOptions {
  // path of the database file; its directory is created if missing.
  path: string;
  // historyRevisions is the watch history window (default 10,000 revisions).
  historyRevisions?: number;
  // compactIntervalMs is how often history beyond the window is dropped (default 5,000 ms; 0 = every write).
  compactIntervalMs?: number;
  // synchronous: 'NORMAL' (default) survives a process crash (kill -9); 'FULL' also survives power loss,
  // at the cost of an fsync per write.
  synchronous?: 'NORMAL' | 'FULL';
}

// openSqliteStore fails (with a plain Error, at startup) if another process holds the database open.
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const sync = opts.synchronous ?? 'NORMAL';
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new RangeError(`synchronous must be NORMAL or FULL, not ${String(sync)}`);
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new DatabaseSync(opts.path, { timeout: 1000 });
  try {
    configure(db, sync);
    const engine = new SqliteEngine(db);
    return new KvStore({ engine, historyRevisions: opts.historyRevisions ?? 10_000, compactIntervalMs: opts.compactIntervalMs ?? 5_000 });
  } catch (e) {
    db.close();
    throw e;
  }
}

// configure sets the pragmas: WAL journal, the chosen synchronous level, and an exclusive lock taken now, so
// a second process on the same file fails at open instead of writing behind this process's watchers.
function configure(db: DatabaseSync, sync: 'NORMAL' | 'FULL'): void {
  db.exec('PRAGMA locking_mode = EXCLUSIVE');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${sync}`);
  db.exec('PRAGMA cache_size = -32768');
  db.exec('PRAGMA temp_store = MEMORY');
  db.exec('BEGIN IMMEDIATE; COMMIT');
}
