// SnapshotChanges lets a scan read current rows chunk by chunk while writes commit between chunks, and
// still return the state as of one revision R (MVCC over a single-version table, the way kine answers
// a list at a revision from its log). It subscribes to the WatchHub like a watcher and keeps, per key
// not yet scanned, the first change after R: that record says what the key held at R (ADDED: nothing;
// MODIFIED/DELETED: its prevText). Memory is bounded by the writes made under the prefix during the scan.
import { ApiError, gone } from '../lib/errors.ts';
import type { LogRecord, Row } from './engine.ts';
import type { RawItem } from './store.ts';

export class SnapshotChanges {
  readonly prefix: string;
  readonly revision: number;
  readonly #first = new Map<string, LogRecord>();
  #scanned: string | undefined;   // keys <= this were returned already; their changes no longer matter

  // after is where the scan starts (exclusive); changes at or before it are ignored.
  constructor(prefix: string, revision: number, after: string | undefined) {
    this.prefix = prefix;
    this.revision = revision;
    this.#scanned = after;
  }

  // push records rec if it is the first change after the snapshot to a key the scan has not reached yet.
  push(rec: LogRecord): void {
    if (rec.rev <= this.revision || !rec.key.startsWith(this.prefix)) return;
    if (this.#scanned !== undefined && rec.key <= this.#scanned) return;
    if (!this.#first.has(rec.key)) this.#first.set(rec.key, rec);
  }

  // close is called by WatchHub.closeAll when the store closes; the scan then fails on its next step.
  close(): void { this.#first.clear(); }

  // chunk turns current rows with keys in (after, upTo] (upTo undefined: to the end of the prefix) into
  // the items as of the snapshot, in key order, and forgets the changes of that range.
  chunk(rows: readonly Row[], upTo: string | undefined): RawItem[] {
    const past = new Map<string, string | undefined>();
    for (const [key, rec] of this.#first) {
      if (upTo !== undefined && key > upTo) continue;
      past.set(key, rec.type === 'ADDED' ? undefined : rec.prevText);
      this.#first.delete(key);
    }
    const items: RawItem[] = [];
    for (const row of rows) {
      if (past.has(row.key)) continue;
      if (row.rev > this.revision) throw new Error(`snapshot ${this.revision}: row ${row.key} at ${row.rev} has no recorded change`);
      items.push({ key: row.key, text: row.text });
    }
    if (upTo !== undefined) this.#scanned = upTo;
    if (past.size === 0) return items;
    for (const [key, text] of past) if (text !== undefined) items.push({ key, text });
    return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

// checkScanRevision fails a scan at a revision the store cannot serve: older than the compacted history
// (410 Expired, as etcd's "required revision has been compacted"), or newer than the last commit (504,
// kube-apiserver's "Too large resource version", which clients retry).
export function checkScanRevision(rev: number, compacted: number, current: number): void {
  if (rev < compacted) throw gone(`too old resource version: ${rev} (${compacted})`);
  if (rev > current) {
    throw new ApiError(504, 'Timeout', `Too large resource version: ${rev}, current: ${current}`,
      { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version', field: '' }], retryAfterSeconds: 1 });
  }
}

// nextTurn resolves after the event loop has run other callbacks (I/O included).
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
