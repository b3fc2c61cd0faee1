// SnapshotRunner keeps the current Snapshot: a change recorded by the lookup schedules one recompile
// (bursts coalesce), at most once per minIntervalMs; the new Snapshot replaces the old in one assignment.
// A recompile reuses the fragment of every Service whose Service and EndpointSlice objects are the same
// objects as last time, so its cost is a Map insert per name plus the compile of what changed.
// Nothing is compiled before the lookup has synced: a partial view would answer NXDOMAIN for names
// that exist.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { DnsLookup } from './lookup.ts';
import { assemble, fragmentOf } from './snapshot.ts';
import type { Fragment, Snapshot } from './snapshot.ts';
import { nameKey } from './wire.ts';
import { apexRecords, compileService, needsSlices } from './zone.ts';

// Compiled is one Service's fragment with the objects it was compiled from. Cached objects are
// replaced, never modified, on change, so identity says whether the fragment is still good.
interface Compiled { svc: V1Service; slices: readonly V1EndpointSlice[]; fragment: Fragment | undefined }

const NO_SLICES: readonly V1EndpointSlice[] = [];

export interface SnapshotRunnerOptions {
  lookup: DnsLookup;
  zone: string;
  ttl: number;
  minIntervalMs?: number;  // default 20
  onError?: (err: unknown) => void;
  now?: () => number;
}

const SYNC_POLL_MS = 50;
// A build is whole-zone (the names map is assembled anew), so builds are also spaced by their own cost: the
// next one starts no sooner than BUSY_FACTOR × the last build's duration after it (at most MAX_BUSY_GAP_MS).
// A small zone still follows a change within ~minIntervalMs; a 10,000-Service zone takes at most ~1/5 of a
// core for DNS while Services stream in, instead of starving the API server.
const BUSY_FACTOR = 4;
const MAX_BUSY_GAP_MS = 1000;

export class SnapshotRunner {
  readonly #o: SnapshotRunnerOptions;
  readonly #minInterval: number;
  #current: Snapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastRun = -Infinity;
  #lastCost = 0;
  #stopped = false;
  readonly #unsubscribe: () => void;
  readonly #waiters: (() => void)[] = [];
  #generation = 0;
  #compiled = new Map<string, Compiled>();

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
    const gap = Math.max(this.#minInterval, Math.min(MAX_BUSY_GAP_MS, BUSY_FACTOR * this.#lastCost));
    const wait = Math.max(0, this.#lastRun + this.#lastCost + gap - this.#now());
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
      this.#current = this.#build(serial);
      this.#generation++;
      for (const w of this.#waiters.splice(0)) w();
    } catch (err) {
      this.#o.onError?.(err);
    } finally {
      this.#lastCost = this.#now() - this.#lastRun;
    }
  }

  #build(serial: number): Snapshot {
    const { zone, ttl, lookup } = this.#o;
    const zoneKey = nameKey(zone);
    const apex = apexRecords({ zone, ttl, serial });
    const fragments = [fragmentOf(apex, zoneKey)];
    const next = new Map<string, Compiled>();
    for (const svc of lookup.services()) {
      const ns = svc.metadata?.namespace;
      const name = svc.metadata?.name;
      if (!ns || !name) continue;
      const key = `${ns}/${name}`;
      const slices = needsSlices(svc) ? lookup.slicesFor(ns, name) : NO_SLICES;
      const prev = this.#compiled.get(key);
      const c = prev && prev.svc === svc && sameItems(prev.slices, slices) ? prev : compile(svc, slices, zone, ttl, zoneKey);
      next.set(key, c);
      if (c.fragment) fragments.push(c.fragment);
    }
    this.#compiled = next;
    return assemble(zone, ttl, apex.soa, fragments);
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

function compile(svc: V1Service, slices: readonly V1EndpointSlice[], zone: string, ttl: number, zoneKey: string): Compiled {
  const records = compileService(svc, slices, { zone, ttl });
  return { svc, slices: [...slices], fragment: records && fragmentOf(records, zoneKey) };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
