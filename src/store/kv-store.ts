// KvStore implements the Store contract (store.ts) once, over a synchronous Engine: MemoryStore and the
// sqlite store differ only in their Engine.
//
// Serialization: the process is the only writer, and every write runs synchronously from reading the current
// row to handing the new row to the engine, so writes are serialized without locks; guaranteedUpdate
// re-checks the row's revision after an asynchronous tryUpdate and retries on a race.
//
// Group commit: writes made in the same turn of the event loop join one batch, committed once on
// setImmediate; then their events are published and their promises resolve. A read waits for the batch
// open when it is called (so it sees every write issued before it; get only when that batch wrote its
// key), then reads the engine, rewinding the keys a newer open batch changed to their state before it
// (its first record per key says what that was): nobody observes a write before it is durable. Waiting
// until no batch was open instead starved readers under a steady stream of writes (the writers woken by
// one commit opened the next batch before the reader's turn came, and a GET waited for seconds).
// currentRevision() is the last committed revision.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../api/types.ts';
import { alreadyExists, gone, internal, isApiError, notFound, type ApiError, type GroupResource } from '../lib/errors.ts';
import type { Engine, LogRecord, Row } from './engine.ts';
import { nameOfKey } from './keys.ts';
import { checkPreconditions, stamp } from './preconditions.ts';
import { checkScanRevision, nextTurn, SnapshotChanges } from './snapshot.ts';
import type { ListOptions, ListResult, Preconditions, ScanChunk, ScanOptions, Store, StoreEvent, TryUpdate } from './store.ts';
import { WatchHub, WatchQueue } from './watch-hub.ts';

export interface KvStoreOptions {
  engine: Engine;
  // historyRevisions is how many revisions of history watches can resume from.
  historyRevisions: number;
  // compactIntervalMs runs compaction on a timer; 0 compacts after every commit.
  compactIntervalMs: number;
}

// SCAN_CHUNK and SCAN_CHUNK_BYTES bound what a scan reads per turn of the event loop: 500 rows or 64 KiB
// of JSON, whichever comes first (~1-2 ms of reading and writing on this machine when it is idle). Chunks
// stay under V8's large-object threshold (128 KiB): the strings a LIST joins per chunk then die young in a
// scavenge; at 256 KiB each was a large object that only a full GC frees, and a 15 MiB LIST of
// EndpointSlices brought a mark-compact of the whole ~500 MB heap (GET p99 during LISTs 51 → 25 ms).
const SCAN_CHUNK = 500;
const SCAN_CHUNK_BYTES = 64 * 1024;

// COMPACT_STEP is how many revisions of history one compaction transaction drops at most.
const COMPACT_STEP = 1000;

// Batch: recs in write order; first, each key's first record in the batch (what the key held before it).
interface Batch { recs: LogRecord[]; first: Map<string, LogRecord>; done: Promise<void>; resolve: () => void; reject: (e: unknown) => void }

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
      this.#timer = setInterval(() => this.#compactInTurns(), opts.compactIntervalMs);
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

  // get waits only when the open batch wrote key (the read must see that write): otherwise the key's
  // committed state is its row, and waiting for the batch would only delay the reader by a commit.
  async get(gr: GroupResource, key: string): Promise<KubeObject> {
    this.#checkOpen();
    const b = this.#batch;
    if (b?.first.has(key)) await this.#settled();
    const text = this.#committedText(key);
    if (text === undefined) throw notFound(gr, nameOfKey(key));
    return JSON.parse(text);
  }

  // list collects a scan (so a large list lets other work run between chunks), parsing each item.
  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const limit = opts.limit ?? 0;
    const items: KubeObject[] = [];
    let last: string | undefined;
    let more = false;
    let revision = 0;
    const scanOpts: ScanOptions = { chunkSize: limit > 0 && !opts.filter ? Math.min(limit + 1, SCAN_CHUNK) : SCAN_CHUNK };
    if (opts.continueKey !== undefined) scanOpts.after = opts.continueKey;
    if (opts.revision !== undefined) scanOpts.revision = opts.revision;
    scan: for await (const chunk of this.scan(prefix, scanOpts)) {
      revision = chunk.revision;
      for (const item of chunk.items) {
        if (limit > 0 && items.length >= limit) { more = true; break scan; }
        const obj: KubeObject = JSON.parse(item.text);
        if (opts.filter && !opts.filter(obj)) continue;
        items.push(obj);
        last = item.key;
      }
    }
    const res: ListResult = { items, revision };
    if (more && last !== undefined) {
      res.continueKey = last;
      if (!opts.filter) res.remaining = this.#engine.count(prefix, last);
    }
    return res;
  }

  // scan: see Store.scan. Each chunk is read synchronously with no batch open; SnapshotChanges (fed by the
  // hub like a watcher, and by the log for a revision in the past) rewinds rows written after the revision.
  async *scan(prefix: string, opts: ScanOptions = {}): AsyncGenerator<ScanChunk> {
    const size = Math.max(1, opts.chunkSize ?? SCAN_CHUNK);
    await this.#settled();
    const revision = opts.revision ?? this.#committed;
    checkScanRevision(revision, this.#engine.compacted(), this.#committed);
    const changes = new SnapshotChanges(prefix, revision, opts.after);
    this.#hub.add(changes);
    try {
      if (revision < this.#committed) for (const rec of this.#engine.history(revision, this.#committed)) changes.push(rec);
      let after = opts.after;
      for (;;) {
        const rows: Row[] = [];
        let bytes = 0;
        let full = false;
        // Rows the open batch wrote are not committed: rewind them like the changes after the revision.
        if (this.#batch) for (const rec of this.#batch.recs) changes.push(rec);
        for (const row of this.#engine.rows(prefix, after)) {
          rows.push(row);
          bytes += row.text.length;
          if (rows.length >= size || bytes >= SCAN_CHUNK_BYTES) { full = true; break; }
        }
        const upTo = full ? rows[rows.length - 1]?.key : undefined;
        yield { revision, items: changes.chunk(rows, upTo) };
        if (upTo === undefined) return;
        after = upTo;
        await nextTurn();
        this.#checkOpen();
      }
    } finally {
      this.#hub.remove(changes);
    }
  }

  // count counts committed rows: the engine's count, less the keys the open batch added, plus those it removed.
  async count(prefix: string, after?: string): Promise<number> {
    await this.#settled();
    let n = this.#engine.count(prefix, after);
    for (const [key, rec] of this.#batch?.first ?? []) {
      if (!key.startsWith(prefix) || (after !== undefined && key <= after)) continue;
      const before = rec.type !== 'ADDED';
      const now = this.#engine.get(key) !== undefined;
      if (before !== now) n += before ? 1 : -1;
    }
    return n;
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
        await this.#durable(row.rev);
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
    while (this.#compactStep()) { /* until caught up */ }
  }

  // #compactStep drops at most COMPACT_STEP revisions (one short transaction, so a backlog of deletes
  // never holds the event loop for long) and tells whether more remain.
  #compactStep(): boolean {
    if (this.#closed || this.#batch) return false;
    const target = this.#committed - this.#history;
    const compacted = this.#engine.compacted();
    if (target <= compacted) return false;
    this.#engine.compact(Math.min(target, compacted + COMPACT_STEP));
    return target > compacted + COMPACT_STEP;
  }

  // #compactInTurns is the timer's compaction: one step per turn of the event loop until caught up. A
  // failed step is retried on the next tick; it loses nothing, history is only kept longer.
  #compactInTurns(): void {
    try {
      if (this.#compactStep()) setImmediate(() => this.#compactInTurns());
    } catch { /* retried next tick */ }
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
    if (!b.first.has(rec.key)) b.first.set(rec.key, rec);
    return b.done;
  }

  #startBatch(): Batch {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const b: Batch = { recs: [], first: new Map(), done: promise, resolve, reject };
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
    if (this.#inlineCompaction) try { this.#compactStep(); } catch { /* retried */ }
  }

  // #abort discards the whole batch: its writers' promises reject with err and nothing was published.
  #abort(b: Batch, err: unknown): void {
    this.#engine.rollback();
    this.#batch = undefined;
    this.#next = this.#committed;
    b.done.catch(() => {});
    b.reject(err);
  }

  // #committedText is key's JSON as of the last commit (undefined: absent), rewinding the open batch.
  #committedText(key: string): string | undefined {
    const rec = this.#batch?.first.get(key);
    if (rec) return rec.type === 'ADDED' ? undefined : rec.prevText;
    return this.#engine.get(key)?.text;
  }

  // #settled waits for the batch open now, if any (not for later ones: see the top of the file).
  async #settled(): Promise<void> {
    this.#checkOpen();
    const b = this.#batch;
    if (b) await b.done.catch(() => {});
    this.#checkOpen();
  }

  // #durable waits until revision rev is committed: at most the open batch (rev is never in a later one).
  async #durable(rev: number): Promise<void> {
    if (rev > this.#committed && this.#batch) await this.#batch.done;
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
