// WorkQueue is client-go's rate-limited work queue: a key is queued at most once (dedupe), is never
// handed to two workers at once (a key added while it is processed is requeued when done()), and a
// failing key is retried after a per-key exponential backoff until forget() resets it.

export interface WorkQueueOptions {
  baseDelayMs?: number;   // first retry delay; default 5 ms
  maxDelayMs?: number;    // cap; default 60 s
}

export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(opts: WorkQueueOptions = {}) {
    this.#baseDelayMs = opts.baseDelayMs ?? 5;
    this.#maxDelayMs = opts.maxDelayMs ?? 60_000;
    if (!(this.#baseDelayMs > 0) || this.#maxDelayMs < this.#baseDelayMs) throw new TypeError('WorkQueue: need 0 < baseDelayMs <= maxDelayMs');
  }

  // add queues key unless it is already queued; a key being processed is queued again when done.
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) { this.#dirty.delete(key); this.#processing.add(key); waiter(key); return; }
    this.#queue.push(key);
  }

  // addAfter queues key after ms.
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) { this.add(key); return; }
    const t = setTimeout(() => { this.#timers.delete(t); this.add(key); }, ms);
    this.#timers.add(t);
  }

  // addRateLimited queues key after its backoff: baseDelayMs * 2^(failures so far), capped.
  addRateLimited(key: string): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.#baseDelayMs * 2 ** n, this.#maxDelayMs));
  }

  // forget resets key's backoff (call after a successful reconcile).
  forget(key: string): void { this.#failures.delete(key); }
  numRequeues(key: string): number { return this.#failures.get(key) ?? 0; }

  // get resolves with the next key, marked processing until done(key); undefined once shut down.
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  // done ends processing of key; if it was added meanwhile it is queued again.
  done(key: string): void {
    this.#processing.delete(key);
    if (!this.#dirty.has(key) || this.#shuttingDown) return;
    this.#dirty.delete(key);
    this.add(key);
  }

  len(): number { return this.#queue.length; }

  // shutDown stops the queue: pending and future get() resolve undefined; delayed adds are dropped.
  shutDown(): void {
    this.#shuttingDown = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(undefined);
  }

  shuttingDown(): boolean { return this.#shuttingDown; }
}
