// Informer is client-go's reflector + indexer + handler fan-out in one: it lists a resource, watches from
// the list's resourceVersion, relists on 410 Gone (and, with backoff, on any other watch error), keeps a
// Map-keyed cache with named indexes, and calls handlers synchronously, in event order.
// Cached objects are shared and read-only (deep-frozen unless NODE_ENV=production): copy before changing.
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject, WatchEvent } from '../api/types.ts';
import { objectKey } from '../client/object-key.ts';
import type { ObjectKey } from '../client/object-key.ts';
import type { Source, SourceListOptions } from '../client/source.ts';
import { gone, internal, isApiError } from '../lib/errors.ts';
import { sleep } from '../lib/lifecycle.ts';
import { Indexer } from './indexer.ts';
import type { IndexFunc } from './indexer.ts';
import { deepFreeze } from './freeze.ts';

export interface InformerOptions {
  source: Source;
  info: ResourceInfo;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  // resyncMs, when set, redelivers every cached object to onUpdate(obj, obj) at that period.
  resyncMs?: number;
  // freeze deep-freezes cached objects; default: NODE_ENV !== 'production'.
  freeze?: boolean;
  // onError observes list/watch failures (the informer retries them itself).
  onError?: (err: unknown) => void;
}

export interface EventHandlers<T> {
  onAdd?: (obj: T) => void;
  onUpdate?: (prev: T, cur: T) => void;
  onDelete?: (obj: T) => void;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 30_000;

export class Informer<T extends KubeObject = KubeObject> {
  readonly info: ResourceInfo;
  readonly #opts: InformerOptions;
  readonly #indexer = new Indexer<T>();
  readonly #handlers: EventHandlers<T>[] = [];
  readonly #freeze: boolean;
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #resourceVersion = '';
  #running = false;

  constructor(opts: InformerOptions) {
    if (!opts.source || !opts.info) throw new TypeError('Informer: source and info are required');
    if (opts.resyncMs !== undefined && !(opts.resyncMs > 0)) throw new TypeError('Informer: resyncMs must be > 0');
    this.#opts = opts;
    this.info = opts.info;
    this.#freeze = opts.freeze ?? process.env['NODE_ENV'] !== 'production';
  }

  // addEventHandler registers handlers; objects already cached are delivered to its onAdd first.
  addEventHandler(h: EventHandlers<T>): void {
    this.#handlers.push(h);
    if (h.onAdd) for (const o of this.#indexer.list()) h.onAdd(o);
  }
  onAdd(fn: (obj: T) => void): void { this.addEventHandler({ onAdd: fn }); }
  onUpdate(fn: (prev: T, cur: T) => void): void { this.addEventHandler({ onUpdate: fn }); }
  onDelete(fn: (obj: T) => void): void { this.addEventHandler({ onDelete: fn }); }

  // addIndex adds a named index: fn returns the index values of an object.
  addIndex(name: string, fn: IndexFunc<T>): void { this.#indexer.addIndex(name, fn); }
  byIndex(name: string, value: string): T[] { return this.#indexer.byIndex(name, value); }
  hasIndex(name: string): boolean { return this.#indexer.hasIndex(name); }

  hasSynced(): boolean { return this.#synced; }
  get(key: ObjectKey | string): T | undefined { return this.#indexer.get(key); }
  list(): T[] { return this.#indexer.list(); }
  lastSyncResourceVersion(): string { return this.#resourceVersion; }

  // whenSynced resolves once the first list has been delivered (or when the signal aborts).
  whenSynced(signal?: AbortSignal): Promise<void> {
    if (this.#synced || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { signal?.removeEventListener('abort', done); resolve(); };
      this.#syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  // run lists and watches until the signal aborts. It never rejects on API errors: it retries them.
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error('Informer: run called twice');
    this.#running = true;
    const stopResync = this.#startResync(signal);
    let backoff = MIN_BACKOFF_MS;
    try {
      while (!signal.aborted) {
        try {
          await this.#listAndWatch(signal, () => { backoff = MIN_BACKOFF_MS; });
        } catch (err) {
          if (signal.aborted) break;
          this.#opts.onError?.(err);
          if (isApiError(err) && err.code === 410) continue;
          await sleep(backoff, signal);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
    } finally {
      stopResync();
      this.#running = false;
    }
  }

  async #listAndWatch(signal: AbortSignal, onProgress: () => void): Promise<void> {
    const list = await this.#opts.source.list(this.info, this.#opts.namespace, this.#listOptions());
    if (signal.aborted) return;
    if (this.#freeze) await freezeInTurns(list.items, signal);
    if (signal.aborted) return;
    this.#replace(list.items as T[]);
    this.#resourceVersion = list.metadata.resourceVersion ?? '';
    this.#markSynced();
    onProgress();
    let idle = 0;
    while (!signal.aborted) {
      const events = this.#opts.source.watch(this.info, this.#opts.namespace, this.#resourceVersion, signal, this.#listOptions());
      let seen = false;
      for await (const ev of events) {
        this.#apply(ev);
        seen = true;
        onProgress();
      }
      // A server that keeps closing empty watches at once must not make us spin.
      idle = seen ? 0 : idle + 1;
      if (idle > 1) await sleep(Math.min(MIN_BACKOFF_MS * 2 ** (idle - 2), MAX_BACKOFF_MS), signal);
    }
  }

  #listOptions(): SourceListOptions {
    const o: SourceListOptions = {};
    if (this.#opts.labelSelector) o.labelSelector = this.#opts.labelSelector;
    if (this.#opts.fieldSelector) o.fieldSelector = this.#opts.fieldSelector;
    return o;
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w();
  }

  // #replace makes the cache equal to a fresh list, emitting add/update/delete for the differences.
  #replace(items: T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const prev = this.#indexer.get(key);
      if (prev && prev.metadata?.resourceVersion === item.metadata?.resourceVersion) continue;
      this.#upsert(item);
    }
    for (const prev of this.#indexer.list()) {
      if (!seen.has(objectKey(prev))) this.#remove(prev);
    }
  }

  #apply(ev: WatchEvent): void {
    const rv = ev.object.metadata?.resourceVersion;
    if (ev.type === 'ERROR') throw eventError(ev);
    if (ev.type === 'BOOKMARK') { if (rv) this.#resourceVersion = rv; return; }
    if (ev.type === 'DELETED') this.#remove(ev.object as T);
    else this.#upsert(ev.object as T);
    if (rv) this.#resourceVersion = rv;
  }

  #upsert(obj: T): void {
    const cur = this.#freeze ? deepFreeze(obj) : obj;
    const prev = this.#indexer.set(cur);
    for (const h of this.#handlers) {
      this.#deliver(() => { if (prev) h.onUpdate?.(prev, cur); else h.onAdd?.(cur); });
    }
  }

  #remove(obj: T): void {
    const prev = this.#indexer.delete(objectKey(obj));
    if (!prev) return;
    const last = this.#freeze ? deepFreeze(obj) : obj;
    for (const h of this.#handlers) this.#deliver(() => h.onDelete?.(last));
  }

  // #deliver calls one handler; a throwing handler is reported and must not break the watch of the others.
  #deliver(call: () => void): void {
    try { call(); } catch (err) { this.#opts.onError?.(err); }
  }

  #startResync(signal: AbortSignal): () => void {
    const ms = this.#opts.resyncMs;
    if (ms === undefined) return () => {};
    const t = setInterval(() => {
      if (!this.#synced || signal.aborted) return;
      for (const o of this.#indexer.list()) for (const h of this.#handlers) this.#deliver(() => h.onUpdate?.(o, o));
    }, ms);
    return () => clearInterval(t);
  }
}

// FREEZE_TURN is how many listed objects are frozen per turn of the event loop: freezing a 10,000-object
// relist at once held the loop for hundreds of ms. The cache is still replaced in one step (#replace), so
// readers never see half of a relist.
const FREEZE_TURN = 500;

async function freezeInTurns(items: readonly unknown[], signal: AbortSignal): Promise<void> {
  for (let i = 0; i < items.length && !signal.aborted; i += FREEZE_TURN) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const o of items.slice(i, i + FREEZE_TURN)) deepFreeze(o);
  }
}

// eventError turns a watch ERROR event (a Status) into an error the run loop retries.
function eventError(ev: WatchEvent): Error {
  const status = ev.object as { code?: number; message?: string };
  const message = status.message ?? 'watch error';
  return status.code === 410 ? gone(message) : internal(message);
}
