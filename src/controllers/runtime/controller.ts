// Controller runs N workers over a WorkQueue: each takes a key, calls reconcile(key), forgets the key on
// success and requeues it with backoff on failure. Handlers only enqueue keys; all work happens here.
// Workers yield to the event loop once they have run YIELD_AFTER_MS without one: reconciles that
// change nothing await only settled promises, and a long queue of them would otherwise starve every
// request the process serves (seen as 1 s GET stalls in bench/api.ts). The budget is shared by every
// controller of the process (one gate, one clock): with one per controller, nine controllers with a
// backlog could hold a turn of the event loop for 9 × YIELD_AFTER_MS.
import { WorkQueue } from './work-queue.ts';
import type { WorkQueueOptions } from './work-queue.ts';

const YIELD_AFTER_MS = 5;

let lastYield = performance.now();
let gate: Promise<void> | undefined;

// yieldTurn resolves on the next turn of the event loop, for every worker waiting at once, and restarts
// the shared budget then; a worker that finds it spent after one reconcile waits for the next turn.
function yieldTurn(): Promise<void> {
  gate ??= new Promise<void>((resolve) => setImmediate(() => { gate = undefined; lastYield = performance.now(); resolve(); }));
  return gate;
}

export interface ControllerOptions {
  name: string;
  reconcile: (key: string, signal: AbortSignal) => Promise<void>;
  workers?: number;                      // default 1
  queue?: WorkQueueOptions;
  // maxRetries: after this many failures in a row a key is dropped (until its next event); default 15.
  maxRetries?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #opts: ControllerOptions;
  readonly #workers: number;
  readonly #maxRetries: number;

  constructor(opts: ControllerOptions) {
    if (!opts.name || typeof opts.reconcile !== 'function') throw new TypeError('Controller: name and reconcile are required');
    this.#workers = opts.workers ?? 1;
    if (!Number.isInteger(this.#workers) || this.#workers < 1) throw new TypeError('Controller: workers must be a positive integer');
    this.#maxRetries = opts.maxRetries ?? 15;
    this.name = opts.name;
    this.#opts = opts;
    this.queue = new WorkQueue(opts.queue);
  }

  enqueue(key: string): void { this.queue.add(key); }

  // run processes keys until the signal aborts; it resolves once every worker has stopped.
  async run(signal: AbortSignal): Promise<void> {
    const stop = () => this.queue.shutDown();
    if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
    const workers = Array.from({ length: this.#workers }, () => this.#worker(signal));
    await Promise.all(workers);
  }

  async #worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#opts.reconcile(key, signal);
        this.queue.forget(key);
      } catch (err) {
        if (!signal.aborted) this.#handleError(err, key);
      } finally {
        this.queue.done(key);
      }
      if (performance.now() - lastYield > YIELD_AFTER_MS) await yieldTurn();
    }
  }

  #handleError(err: unknown, key: string): void {
    this.#opts.onError?.(err, key, this.name);
    if (this.queue.numRequeues(key) < this.#maxRetries) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }
}
