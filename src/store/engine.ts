// Engine is the synchronous storage layer under KvStore: rows of JSON text keyed by string, plus a revision
// log. KvStore owns the semantics (revisions, preconditions, no-op updates, watch fan-out, group commit); an
// Engine only stores and reads. Writes accumulate in one open batch (a transaction for sqlite) that commit()
// makes durable and rollback() discards; reads see the open batch.
import type { StoreEventType } from './store.ts';

// Row is one current object: its key, the revision that last wrote it, and its JSON text (resourceVersion
// inside the text equals rev).
export interface Row { key: string; rev: number; text: string }

// LogRecord is one entry of the revision log. For DELETED, text is the last state stamped with the delete's
// revision; prevText is the state before the write (MODIFIED and DELETED).
export interface LogRecord {
  rev: number;
  key: string;
  type: StoreEventType;
  text: string;
  prevText?: string;
}

export interface Engine {
  // revision is the highest revision ever written (or compacted), read once at open.
  revision(): number;
  compacted(): number;
  get(key: string): Row | undefined;
  // rows yields current rows with key > after (or >= prefix when after is undefined) under prefix, in key order.
  rows(prefix: string, after?: string): Iterable<Row>;
  count(prefix: string, after?: string): number;
  // write stores rec in the open batch: ADDED inserts, MODIFIED replaces, DELETED removes the row; and appends
  // rec to the log. If it throws, the caller must rollback() the batch.
  write(rec: LogRecord): void;
  commit(): void;
  rollback(): void;
  // history yields log records with from < rev <= to, in revision order.
  history(from: number, to: number): Iterable<LogRecord>;
  // compact drops log records with rev <= upTo and records upTo as the compacted revision; it commits by
  // itself and is only called with no batch open.
  compact(upTo: number): void;
  close(): void;
}
