// SnapshotRunner keeps the current Snapshot: a change recorded by the lookup schedules one recompile
// (bursts coalesce), at most once per minIntervalMs; the new Snapshot replaces the old in one assignment.
// Nothing is compiled before the lookup has synced: a partial view would answer NXDOMAIN for names
// that exist.
import type { DnsLookup } from './lookup.ts';
import { buildSnapshot } from './snapshot.ts';
import type { Snapshot } from './snapshot.ts';
import { compileZone } from './zone.ts';

export interface SnapshotRunnerOptions {
  lookup: DnsLookup;
  zone: string;
  ttl: number;
  minIntervalMs?: number;  // default 20
  onError?: (err: unknown) => void;
  now?: () => number;
}

const SYNC_POLL_MS = 50;

export class SnapshotRunner {
  readonly #o: SnapshotRunnerOptions;
  readonly #minInterval: number;
  #current: Snapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastRun = -Infinity;
  #stopped = false;
  readonly #unsubscribe: () => void;
  readonly #waiters: (() => void)[] = [];
  #generation = 0;

  constructor(o: SnapshotRunnerOptions) {
    if (!o.lookup) throw new TypeError('SnapshotRunner: lookup is required');
    this.#o = o;
    this.#minInterval = o.minIntervalMs ?? 20;
    this.#unsubscribe = o.lookup.onChange(() => this.schedule());
    this.schedule();
  }

  // current is the Snapshot queries read (undefined until the lookup syncs).
  current(): Snapshot | undefined { return this.#current; }

  // generation counts the snapshots built so far.
  get generation(): number { return this.#generation; }

  // schedule asks for a recompile; calls before it runs coalesce into one.
  schedule(): void {
    if (this.#stopped || this.#timer) return;
    const wait = Math.max(0, this.#lastRun + this.#minInterval - this.#now());
    this.#timer = setTimeout(() => this.#run(), wait);
  }

  // whenReady resolves once a first Snapshot exists (or the runner stops).
  whenReady(): Promise<void> {
    if (this.#current || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #now(): number { return (this.#o.now ?? performance.now.bind(performance))(); }

  #run(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    if (!this.#o.lookup.hasSynced()) {
      this.#timer = setTimeout(() => this.#run(), SYNC_POLL_MS);
      return;
    }
    this.#lastRun = this.#now();
    try {
      const serial = Math.floor(Date.now() / 1000) >>> 0;
      const records = compileZone(this.#o.lookup, { zone: this.#o.zone, ttl: this.#o.ttl, serial });
      this.#current = buildSnapshot(records, this.#o.zone, this.#o.ttl);
      this.#generation++;
      for (const w of this.#waiters.splice(0)) w();
    } catch (err) {
      this.#o.onError?.(err);
    }
  }

  // stop cancels pending work and unsubscribes from the lookup.
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe();
    for (const w of this.#waiters.splice(0)) w();
  }
}
