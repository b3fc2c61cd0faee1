// SnapshotRunner keeps the current Snapshot: a change recorded by the lookup schedules one rebuild
// (bursts coalesce), at most once per minIntervalMs; the new Snapshot replaces the old in one assignment.
// A rebuild is incremental: the lookup names the Service each change touches, and only those Services are
// compiled again and swapped in the live ZoneNames, so its cost follows the change, not the zone (10,000
// Services streaming in cost the same per Service as 10). A whole rebuild happens when the lookup syncs.
// Nothing is compiled before the lookup has synced: a partial view would answer NXDOMAIN for names
// that exist.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { DnsLookup } from './lookup.ts';
import { Snapshot, ZoneNames, fragmentOf } from './snapshot.ts';
import type { Fragment } from './snapshot.ts';
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
// Builds are also spaced by their own cost: the next one starts no sooner than BUSY_FACTOR × the last build's
// duration after it (at most MAX_BUSY_GAP_MS), so a whole rebuild of a large zone cannot take the process.
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
  #zone: ZoneNames | undefined;
  #apex: Fragment | undefined;
  // #dirty holds the keys of Services changed since the last build; #all asks for a whole rebuild.
  #dirty = new Set<string>();
  #all = true;

  constructor(o: SnapshotRunnerOptions) {
    if (!o.lookup) throw new TypeError('SnapshotRunner: lookup is required');
    this.#o = o;
    this.#minInterval = o.minIntervalMs ?? 20;
    this.#unsubscribe = o.lookup.onChange((key) => {
      if (key === undefined) this.#all = true; else this.#dirty.add(key);
      this.schedule();
    });
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
    const { zone, ttl } = this.#o;
    const zoneKey = nameKey(zone);
    if (this.#all || !this.#zone) this.#rebuildAll(zoneKey);
    else for (const key of this.#dirty) this.#rebuildService(key, zoneKey);
    this.#dirty.clear();
    const z = this.#zone as ZoneNames;
    // the apex carries the SOA, whose serial is the build time: swapped on every build (a few names)
    const apex = apexRecords({ zone, ttl, serial });
    if (this.#apex) z.remove(this.#apex);
    this.#apex = fragmentOf(apex, zoneKey);
    z.add(this.#apex);
    return new Snapshot(zone, ttl, z.names, apex.soa);
  }

  #rebuildAll(zoneKey: string): void {
    this.#zone = new ZoneNames();
    this.#apex = undefined;
    const prev = this.#compiled;
    this.#compiled = new Map();
    for (const svc of this.#o.lookup.services()) {
      const ns = svc.metadata?.namespace;
      const name = svc.metadata?.name;
      if (!ns || !name) continue;
      const key = `${ns}/${name}`;
      const c = this.#compile(prev.get(key), svc, ns, name, zoneKey);
      this.#compiled.set(key, c);
      if (c.fragment) this.#zone.add(c.fragment);
    }
    this.#all = false;  // only once the whole zone is in: a throw above leaves the next build whole too
  }

  #rebuildService(key: string, zoneKey: string): void {
    const z = this.#zone as ZoneNames;
    const i = key.indexOf('/');
    const [ns, name] = [key.slice(0, i), key.slice(i + 1)];
    const svc = i > 0 ? this.#o.lookup.service(ns, name) : undefined;
    const prev = this.#compiled.get(key);
    const c = svc ? this.#compile(prev, svc, ns, name, zoneKey) : undefined;
    if (c === prev) return;
    if (prev?.fragment) z.remove(prev.fragment);
    if (c) this.#compiled.set(key, c); else this.#compiled.delete(key);
    if (c?.fragment) z.add(c.fragment);
  }

  // #compile returns prev when the Service and its slices are the same objects it was compiled from.
  #compile(prev: Compiled | undefined, svc: V1Service, ns: string, name: string, zoneKey: string): Compiled {
    const slices = needsSlices(svc) ? this.#o.lookup.slicesFor(ns, name) : NO_SLICES;
    if (prev && prev.svc === svc && sameItems(prev.slices, slices)) return prev;
    return compile(svc, slices, this.#o.zone, this.#o.ttl, zoneKey);
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
