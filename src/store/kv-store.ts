// KvStore implements the Store contract (store.ts) once, over a synchronous Engine: MemoryStore and the
// sqlite store differ only in their Engine.
//
// Serialization: the process is the only writer, and every write runs synchronously from reading the current
// row to handing the new row to the engine, so writes are serialized without locks; guaranteedUpdate
// re-checks the row's revision after an asynchronous tryUpdate and retries on a race.
//
// Group commit: writes made in the same turn of the event loop join one batch, committed once on
// setImmediate; then their events are published and their promises resolve. Reads wait for the open batch,
// so nobody observes a write before it is durable; currentRevision() is the last committed revision.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../api/types.ts';
import { alreadyExists, gone, internal, isApiError, notFound, type ApiError, type GroupResource } from '../lib/errors.ts';
import type { Engine, LogRecord, Row } from './engine.ts';
import { nameOfKey } from './keys.ts';
import { checkPreconditions, stamp } from './preconditions.ts';
import type { ListOptions, ListResult, Preconditions, Store, StoreEvent, TryUpdate } from './store.ts';
import { WatchHub, WatchQueue } from './watch-hub.ts';

export interface KvStoreOptions {
  engine: Engine;
  // historyRevisions is how many revisions of history watches can resume from.
  historyRevisions: number;
  // compactIntervalMs runs compaction on a timer; 0 compacts after every commit.
  compactIntervalMs: number;
}

interface Batch { recs: LogRecord[]; done: Promise<void>; resolve: () => void; reject: (e: unknown) => void }

export class KvStore implements Store {
  readonly #engine: Engine;
  readonly #hub = new WatchHub();
  readonly #history: number;
  readonly #inlineCompaction: boolean;
  #committed: number;
  #next: number;
  #batch: Batch | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: KvStoreOptions) {
    if (!Number.isInteger(opts.historyRevisions) || opts.historyRevisions < 1) throw new RangeError('historyRevisions must be an integer >= 1');
    if (!(opts.compactIntervalMs >= 0)) throw new RangeError('compactIntervalMs must be >= 0');
    this.#engine = opts.engine;
    this.#history = opts.historyRevisions;
    this.#committed = this.#next = opts.engine.revision();
    this.#inlineCompaction = opts.compactIntervalMs === 0;
    if (!this.#inlineCompaction) {
      // A failed compaction is retried on the next tick; it loses nothing, history is only kept longer.
      this.#timer = setInterval(() => { try { this.compact(); } catch { /* retried next tick */ } }, opts.compactIntervalMs);
      this.#timer.unref();
    }
  }

  async create(gr: GroupResource, key: string, obj: KubeObject): Promise<KubeObject> {
    this.#checkOpen();
    if (this.#engine.get(key)) throw alreadyExists(gr, nameOfKey(key));
    const rev = this.#next + 1;
    const text = stamp(obj, rev);
    await this.#write({ rev, key, type: 'ADDED', text });
    return JSON.parse(text);
  }

  async get(gr: GroupResource, key: string): Promise<KubeObject> {
    await this.#settled();
    return JSON.parse(this.#mustGet(gr, key).text);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await this.#settled();
    const limit = opts.limit ?? 0;
    const items: KubeObject[] = [];
    let last: string | undefined;
    let more = false;
    for (const row of this.#engine.rows(prefix, opts.continueKey)) {
      if (limit > 0 && items.length >= limit) { more = true; break; }
      const obj: KubeObject = JSON.parse(row.text);
      if (opts.filter && !opts.filter(obj)) continue;
      items.push(obj);
      last = row.key;
    }
    const res: ListResult = { items, revision: this.#committed };
    if (more && last !== undefined) {
      res.continueKey = last;
      if (!opts.filter) res.remaining = this.#engine.count(prefix, last);
    }
    return res;
  }

  async count(prefix: string): Promise<number> {
    await this.#settled();
    return this.#engine.count(prefix);
  }

  async guaranteedUpdate(gr: GroupResource, key: string, tryUpdate: TryUpdate, pre?: Preconditions): Promise<KubeObject> {
    for (;;) {
      this.#checkOpen();
      const row = this.#mustGet(gr, key);
      const cur: KubeObject = JSON.parse(row.text);
      checkPreconditions(gr, key, cur, pre, 'update');
      const out = tryUpdate(cur);
      const next = out instanceof Promise ? await out : out;
      this.#checkOpen();
      if (this.#engine.get(key)?.rev !== row.rev) continue;
      const unchanged = stamp(next, row.rev);
      if (unchanged === row.text || isDeepStrictEqual(JSON.parse(unchanged), JSON.parse(row.text))) {
        await this.#settled();
        return JSON.parse(row.text);
      }
      const rev = this.#next + 1;
      const text = stamp(next, rev);
      await this.#write({ rev, key, type: 'MODIFIED', text, prevText: row.text });
      return JSON.parse(text);
    }
  }

  // delete removes the object and returns its last state, stamped with the delete's revision.
  async delete(gr: GroupResource, key: string, pre?: Preconditions): Promise<KubeObject> {
    this.#checkOpen();
    const row = this.#mustGet(gr, key);
    const cur: KubeObject = JSON.parse(row.text);
    checkPreconditions(gr, key, cur, pre, 'delete');
    const rev = this.#next + 1;
    const text = stamp(cur, rev);
    await this.#write({ rev, key, type: 'DELETED', text, prevText: row.text });
    return JSON.parse(text);
  }

  // watch subscribes and replays committed history in one synchronous step, so no commit can fall between
  // the two. A compacted fromRevision makes the first next() reject with gone() (410).
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    this.#checkOpen();
    const start = fromRevision === 0 ? this.#committed : fromRevision;
    const q = new WatchQueue(prefix, start, signal, (w) => this.#hub.remove(w));
    if (q.closed) return q;
    const compacted = this.#engine.compacted();
    if (fromRevision !== 0 && fromRevision < compacted) {
      q.fail(gone(`too old resource version: ${fromRevision} (${compacted})`));
      return q;
    }
    this.#hub.add(q);
    if (start < this.#committed) {
      for (const rec of this.#engine.history(start, this.#committed)) if (rec.key.startsWith(prefix)) q.push(rec);
    }
    return q;
  }

  currentRevision(): number { return this.#committed; }
  compactedRevision(): number { return this.#engine.compacted(); }

  // compact drops history older than the window. It runs on the timer or after each commit, never inside
  // an open batch (then it waits for the next tick); tests may call it.
  compact(): void {
    if (this.#closed || this.#batch) return;
    const upTo = this.#committed - this.#history;
    if (upTo > this.#engine.compacted()) this.#engine.compact(upTo);
  }

  // close commits the open batch, ends every watch and closes the engine.
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#batch) this.#flush(this.#batch);
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#hub.closeAll();
    this.#engine.close();
  }

  // #write adds rec to the open batch (starting one) and resolves once the batch is committed.
  #write(rec: LogRecord): Promise<void> {
    const b = this.#batch ?? this.#startBatch();
    try {
      this.#engine.write(rec);
    } catch (e) {
      const err = storageError(e);
      this.#abort(b, err);
      throw err;
    }
    this.#next = rec.rev;
    b.recs.push(rec);
    return b.done;
  }

  #startBatch(): Batch {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const b: Batch = { recs: [], done: promise, resolve, reject };
    this.#batch = b;
    setImmediate(() => { if (this.#batch === b) this.#flush(b); });
    return b;
  }

  #flush(b: Batch): void {
    try {
      this.#engine.commit();
    } catch (e) {
      this.#abort(b, storageError(e));
      return;
    }
    this.#batch = undefined;
    this.#committed = this.#next;
    for (const rec of b.recs) this.#hub.publish(rec);
    b.resolve();
    // A failed compaction is retried after the next commit; history is only kept longer.
    if (this.#inlineCompaction) try { this.compact(); } catch { /* retried */ }
  }

  // #abort discards the whole batch: its writers' promises reject with err and nothing was published.
  #abort(b: Batch, err: unknown): void {
    this.#engine.rollback();
    this.#batch = undefined;
    this.#next = this.#committed;
    b.done.catch(() => {});
    b.reject(err);
  }

  // #settled waits until no batch is open, so reads see only committed state.
  async #settled(): Promise<void> {
    this.#checkOpen();
    while (this.#batch) await this.#batch.done.catch(() => {});
    this.#checkOpen();
  }

  #mustGet(gr: GroupResource, key: string): Row {
    const row = this.#engine.get(key);
    if (!row) throw notFound(gr, nameOfKey(key));
    return row;
  }

  #checkOpen(): void {
    if (this.#closed) throw internal('store is closed');
  }
}

// storageError turns an engine failure (I/O, disk full) into the 500 the API reports.
function storageError(e: unknown): ApiError {
  return isApiError(e) ? e : internal(`storage: ${e instanceof Error ? e.message : String(e)}`);
}
