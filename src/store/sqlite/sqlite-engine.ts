// SqliteEngine is the Engine over one node:sqlite connection: a `kv` table of current objects, a `log` table
// of revisions for watch replay (trimmed by compact), and a `meta` table holding the compacted revision.
// Every statement is prepared once; a write is two statements (row + log entry) in the open transaction,
// which KvStore commits once per batch.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoreEventType } from '../store.ts';
import type { Engine, LogRecord, Row } from '../engine.ts';
import { prefixEnd } from '../keys.ts';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, rev INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT NOT NULL, prev TEXT);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

const TYPES: readonly StoreEventType[] = ['ADDED', 'MODIFIED', 'DELETED'];
const TYPE_CODE: Record<StoreEventType, number> = { ADDED: 0, MODIFIED: 1, DELETED: 2 };

type Stmts = Record<
  'begin' | 'commit' | 'rollback' | 'get' | 'insert' | 'update' | 'remove' | 'logInsert' | 'rowsFrom' | 'rowsAfter'
  | 'countFrom' | 'countAfter' | 'history' | 'compact' | 'setMeta' | 'getMeta' | 'maxKv' | 'maxLog',
  StatementSync>;

export class SqliteEngine implements Engine {
  readonly #db: DatabaseSync;
  readonly #s: Stmts;
  #compacted: number;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#s = prepareAll(db);
    this.#s.rowsFrom.setReturnArrays(true);
    this.#s.rowsAfter.setReturnArrays(true);
    this.#compacted = this.#meta('compacted');
  }

  revision(): number {
    return Math.max(num(this.#s.maxKv.get()?.['m']), num(this.#s.maxLog.get()?.['m']), this.#compacted);
  }

  compacted(): number { return this.#compacted; }

  get(key: string): Row | undefined {
    const r = this.#s.get.get(key);
    return r ? { key, rev: Number(r['rev']), text: String(r['value']) } : undefined;
  }

  // rows reads (key, rev, value) as arrays, not objects: a scan reads thousands of rows per LIST, and
  // node:sqlite builds arrays several times faster than named-property objects.
  *rows(prefix: string, after?: string): Iterable<Row> {
    const it = after === undefined || after < prefix ? this.#s.rowsFrom.iterate(prefix, prefixEnd(prefix))
      : this.#s.rowsAfter.iterate(after, prefixEnd(prefix));
    for (const r of it as Iterable<unknown> as Iterable<readonly unknown[]>) yield { key: String(r[0]), rev: Number(r[1]), text: String(r[2]) };
  }

  count(prefix: string, after?: string): number {
    const r = after === undefined || after < prefix ? this.#s.countFrom.get(prefix, prefixEnd(prefix))
      : this.#s.countAfter.get(after, prefixEnd(prefix));
    return num(r?.['n']);
  }

  write(rec: LogRecord): void {
    const s = this.#s;
    if (!this.#db.isTransaction) s.begin.run();
    if (rec.type === 'ADDED') s.insert.run(rec.key, rec.rev, rec.text);
    else if (rec.type === 'MODIFIED') s.update.run(rec.rev, rec.text, rec.key);
    else s.remove.run(rec.key);
    s.logInsert.run(rec.rev, rec.key, TYPE_CODE[rec.type], rec.text, rec.prevText ?? null);
  }

  commit(): void { if (this.#db.isTransaction) this.#s.commit.run(); }
  rollback(): void { if (this.#db.isTransaction) this.#s.rollback.run(); }

  *history(from: number, to: number): Iterable<LogRecord> {
    for (const r of this.#s.history.iterate(from, to)) {
      const rec: LogRecord = { rev: Number(r['rev']), key: String(r['key']), type: TYPES[Number(r['type'])] ?? 'MODIFIED', text: String(r['value']) };
      const prev = r['prev'];
      if (typeof prev === 'string') rec.prevText = prev;
      yield rec;
    }
  }

  compact(upTo: number): void {
    const s = this.#s;
    s.begin.run();
    try {
      s.compact.run(upTo);
      s.setMeta.run('compacted', upTo);
      s.commit.run();
    } catch (e) {
      if (this.#db.isTransaction) s.rollback.run();
      throw e;
    }
    this.#compacted = upTo;
  }

  close(): void { if (this.#db.isOpen) this.#db.close(); }

  #meta(name: string): number { return num(this.#s.getMeta.get(name)?.['value']); }
}

function num(v: unknown): number { return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : 0; }

function prepareAll(db: DatabaseSync): Stmts {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    begin: p('BEGIN'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    get: p('SELECT rev, value FROM kv WHERE key = ?'),
    insert: p('INSERT INTO kv (key, rev, value) VALUES (?, ?, ?)'),
    update: p('UPDATE kv SET rev = ?, value = ? WHERE key = ?'),
    remove: p('DELETE FROM kv WHERE key = ?'),
    logInsert: p('INSERT INTO log (rev, key, type, value, prev) VALUES (?, ?, ?, ?, ?)'),
    rowsFrom: p('SELECT key, rev, value FROM kv WHERE key >= ? AND key < ? ORDER BY key'),
    rowsAfter: p('SELECT key, rev, value FROM kv WHERE key > ? AND key < ? ORDER BY key'),
    countFrom: p('SELECT count(*) AS n FROM kv WHERE key >= ? AND key < ?'),
    countAfter: p('SELECT count(*) AS n FROM kv WHERE key > ? AND key < ?'),
    history: p('SELECT rev, key, type, value, prev FROM log WHERE rev > ? AND rev <= ? ORDER BY rev'),
    compact: p('DELETE FROM log WHERE rev <= ?'),
    setMeta: p('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    getMeta: p('SELECT value FROM meta WHERE name = ?'),
    maxKv: p('SELECT max(rev) AS m FROM kv'),
    maxLog: p('SELECT max(rev) AS m FROM log'),
  };
}
