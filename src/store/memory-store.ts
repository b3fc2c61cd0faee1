// MemoryStore is the Store for tests: the KvStore semantics over maps in memory, nothing durable.
// Lists sort the matching keys on every call (O(n log n)); use the sqlite store for anything large.
import type { Engine, LogRecord, Row } from './engine.ts';
import { KvStore } from './kv-store.ts';

export interface MemoryStoreOptions {
  // historyRevisions is the watch history window (default 10,000 revisions), compacted inline.
  historyRevisions?: number;
}

export class MemoryStore extends KvStore {
  constructor(opts: MemoryStoreOptions = {}) {
    super({ engine: new MemoryEngine(), historyRevisions: opts.historyRevisions ?? 10_000, compactIntervalMs: 0 });
  }
}

// MemoryEngine keeps current rows in a Map and the log in an array whose head advances on compaction.
class MemoryEngine implements Engine {
  readonly #rows = new Map<string, Row>();
  #log: LogRecord[] = [];
  #head = 0;
  #compacted = 0;
  #rev = 0;

  revision(): number { return this.#rev; }
  compacted(): number { return this.#compacted; }
  get(key: string): Row | undefined { return this.#rows.get(key); }

  *rows(prefix: string, after?: string): Iterable<Row> {
    const keys = this.#keys(prefix, after);
    for (const k of keys) {
      const row = this.#rows.get(k);
      if (row) yield row;
    }
  }

  count(prefix: string, after?: string): number { return this.#keys(prefix, after).length; }

  #keys(prefix: string, after: string | undefined): string[] {
    const keys: string[] = [];
    for (const k of this.#rows.keys()) if (k.startsWith(prefix) && (after === undefined || k > after)) keys.push(k);
    return keys.sort();
  }

  write(rec: LogRecord): void {
    if (rec.type === 'DELETED') this.#rows.delete(rec.key);
    else this.#rows.set(rec.key, { key: rec.key, rev: rec.rev, text: rec.text });
    this.#log.push(rec);
    this.#rev = rec.rev;
  }

  // commit and rollback have nothing to do: memory writes cannot fail, so a batch is never rolled back.
  commit(): void {}
  rollback(): void {}

  *history(from: number, to: number): Iterable<LogRecord> {
    // The log is dense in revisions from compacted+1, so the start index is computed, not searched.
    const first = this.#log[this.#head];
    if (!first) return;
    const start = this.#head + Math.max(0, from + 1 - first.rev);
    for (let i = start; i < this.#log.length; i++) {
      const rec = this.#log[i] as LogRecord;
      if (rec.rev > to) return;
      yield rec;
    }
  }

  compact(upTo: number): void {
    while (this.#head < this.#log.length && (this.#log[this.#head] as LogRecord).rev <= upTo) this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#log.length) {
      this.#log = this.#log.slice(this.#head);
      this.#head = 0;
    }
    this.#compacted = upTo;
  }

  close(): void { this.#rows.clear(); this.#log = []; this.#head = 0; }
}
