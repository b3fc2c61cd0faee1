// store-bench measures a Store alone: N creates of small Services with `inflight` writes outstanding at once
// (1 = sequential awaits; an API server under load has many), then N updates, with W watchers following
// everything, then a full LIST.
// Run: node src/store/store-bench.ts [count=20000] [watchers=10] [memory|sqlite|sqlite-full] [inflight=1]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from './memory-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

const count = Number(process.argv[2] ?? 20_000);
const watchers = Number(process.argv[3] ?? 10);
const kind = process.argv[4] ?? 'sqlite';
const inflight = Number(process.argv[5] ?? 1);
const gr = { group: '', resource: 'services' };
const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));

async function open(): Promise<Store> {
  if (kind === 'memory') return new MemoryStore();
  return openSqliteStore({ path: join(dir, 'state.db'), synchronous: kind === 'sqlite-full' ? 'FULL' : 'NORMAL' });
}

function service(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: `ns-${i % 50}`, uid: crypto.randomUUID(), labels: { app: `app-${i}` }, creationTimestamp: new Date().toISOString() },
    spec: { type: 'ClusterIP', clusterIP: `127.96.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: `app-${i}` } },
    status: { loadBalancer: {} },
  };
}

async function follow(s: Store, signal: AbortSignal, want: number, lags: number[]): Promise<void> {
  let n = 0;
  for await (const ev of s.watch('/registry/', 0, signal)) {
    const t = Number((ev.object as { t?: number }).t ?? 0);
    if (t) lags.push(performance.now() - t);
    if (++n >= want) return;
  }
}

const cpu0 = process.cpuUsage();
const s = await open();
const ac = new AbortController();
const lags: number[] = [];
const follows = Array.from({ length: watchers }, () => follow(s, ac.signal, count * 2, lags));
// parallel runs fn(0..count-1) with at most `inflight` calls outstanding.
async function parallel(fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => { while (next < count) await fn(next++); };
  await Promise.all(Array.from({ length: inflight }, worker));
  return performance.now() - t0;
}
const createMs = await parallel((i) => s.create(gr, `/registry/services/ns-${i % 50}/svc-${i}`, service(i)));
let t0 = performance.now();
const updateMs = await parallel((i) => s.guaranteedUpdate(gr, `/registry/services/ns-${i % 50}/svc-${i}`, (o) => ({ ...o, t: performance.now() })));
await Promise.all(follows);
const fanoutMs = performance.now() - t0;
t0 = performance.now();
const list = await s.list('/registry/services/');
const listMs = performance.now() - t0;
lags.sort((a, b) => a - b);
console.log(JSON.stringify({
  store: kind, count, watchers, inflight,
  createsPerSec: Math.round(count / (createMs / 1000)),
  updatesPerSec: Math.round(count / (updateMs / 1000)),
  updatesDeliveredToAllWatchersMs: Math.round(fanoutMs),
  watchLagP50Ms: lags[Math.floor(lags.length / 2)]?.toFixed(2), watchLagP99Ms: lags[Math.floor(lags.length * 0.99)]?.toFixed(2),
  listAllMs: Math.round(listMs), listed: list.items.length,
  rssMB: Math.round(process.memoryUsage().rss / 1e6),
  cpuMs: Math.round((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000),
}));
ac.abort();
await s.close();
rmSync(dir, { recursive: true, force: true });
