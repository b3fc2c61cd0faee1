// WatchHub fans committed log records out to in-process watchers. The store is the only writer, so a write
// publishes its record right after it commits, in the same synchronous step: a watcher that subscribes and
// then replays history synchronously can neither miss nor reorder an event.
import type { LogRecord } from './engine.ts';
import type { KubeObject } from '../api/types.ts';
import type { StoreEvent } from './store.ts';

// Subscriber is what the hub feeds: a WatchQueue, or a scan's SnapshotChanges.
export interface Subscriber { readonly prefix: string; push(rec: LogRecord): void; close(): void }

export class WatchHub {
  readonly #watchers = new Set<Subscriber>();

  // publish hands rec to every open watcher whose prefix matches its key.
  publish(rec: LogRecord): void {
    for (const w of this.#watchers) if (rec.key.startsWith(w.prefix)) w.push(rec);
  }

  add(w: Subscriber): void { this.#watchers.add(w); }
  remove(w: Subscriber): void { this.#watchers.delete(w); }
  get size(): number { return this.#watchers.size; }

  // closeAll ends every watch (used by Store.close).
  closeAll(): void { for (const w of [...this.#watchers]) w.close(); }
}

// toEvent makes a fresh StoreEvent for one watcher. object and prevObject are parsed from the record's JSON on
// first access (own, enumerable accessors, so spreading or cloning the event works) and may be reassigned;
// each watcher gets its own copies, so consumers may mutate what they receive. A consumer that only needs the
// JSON (a watch stream writing it to a socket) takes it from storeEventText and parses nothing.
export function toEvent(rec: LogRecord): StoreEvent {
  let object: KubeObject | undefined;
  let prev: KubeObject | undefined;
  let replaced = false;
  const { text, prevText } = rec;
  const ev: StoreEvent = prevText === undefined ? {
    type: rec.type, key: rec.key, revision: rec.rev,
    get object(): KubeObject { return (object ??= JSON.parse(text)); },
    set object(v: KubeObject) { object = v; replaced = true; },
  } : {
    type: rec.type, key: rec.key, revision: rec.rev,
    get object(): KubeObject { return (object ??= JSON.parse(text)); },
    set object(v: KubeObject) { object = v; replaced = true; },
    get prevObject(): KubeObject { return (prev ??= JSON.parse(prevText)); },
    set prevObject(v: KubeObject) { prev = v; },
  };
  Object.defineProperty(ev, TEXT, { get: () => (replaced ? undefined : text) });
  return ev;
}

const TEXT = Symbol('storeEventText');

// storeEventText is the stored JSON of ev.object (resourceVersion included) for events this package's stores
// yield, or undefined for any other event (or one whose object was reassigned: the text is then stale).
export function storeEventText(ev: StoreEvent): string | undefined {
  const t: unknown = (ev as unknown as Record<symbol, unknown>)[TEXT];
  return typeof t === 'string' ? t : undefined;
}

type Waiter = { resolve: (r: IteratorResult<StoreEvent>) => void; reject: (e: unknown) => void };

// WatchQueue is one watch: an unbounded queue of records with revision > lastRev (older ones are dropped, so
// replay and live delivery dedupe by revision), consumed as an AsyncIterator. It ends when the signal
// aborts, when the consumer calls return() (break in for-await), or when the store closes.
export class WatchQueue implements AsyncIterableIterator<StoreEvent> {
  readonly prefix: string;
  #lastRev: number;
  #queue: LogRecord[] = [];
  #head = 0;
  #waiter: Waiter | undefined;
  #error: unknown = undefined;
  #closed = false;
  readonly #signal: AbortSignal;
  readonly #onClose: (w: WatchQueue) => void;
  readonly #onAbort = (): void => this.close();

  constructor(prefix: string, fromRev: number, signal: AbortSignal, onClose: (w: WatchQueue) => void) {
    this.prefix = prefix;
    this.#lastRev = fromRev;
    this.#signal = signal;
    this.#onClose = onClose;
    if (signal.aborted) this.#closed = true;
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  get closed(): boolean { return this.#closed; }

  push(rec: LogRecord): void {
    if (this.#closed || rec.rev <= this.#lastRev) return;
    this.#lastRev = rec.rev;
    const w = this.#waiter;
    if (w) { this.#waiter = undefined; w.resolve({ done: false, value: toEvent(rec) }); return; }
    this.#queue.push(rec);
  }

  // fail ends the watch with err: the pending or next call to next() rejects with it, later ones are done.
  fail(err: unknown): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    this.close();
    if (w) w.reject(err);
    else this.#error = err;
  }

  // close ends the watch, drops undelivered records and unsubscribes; idempotent.
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#detach();
    const w = this.#waiter;
    this.#waiter = undefined;
    if (w) w.resolve({ done: true, value: undefined });
  }

  #detach(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#onClose(this);
  }

  next(): Promise<IteratorResult<StoreEvent>> {
    if (this.#error !== undefined) {
      const e = this.#error;
      this.#error = undefined;
      return Promise.reject(e);
    }
    if (this.#head < this.#queue.length) return Promise.resolve({ done: false, value: this.#take() });
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => { this.#waiter = { resolve, reject }; });
  }

  #take(): StoreEvent {
    const rec = this.#queue[this.#head] as LogRecord;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return toEvent(rec);
  }

  return(): Promise<IteratorResult<StoreEvent>> {
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): WatchQueue { return this; }
}
