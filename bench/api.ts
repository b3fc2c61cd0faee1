// bench/api.ts — the control plane under load, driven as a user would: it starts `portico serve` as a
// child process (temp data dir, 127.0.0.1:0) and, over real HTTP with a keep-alive agent and INFLIGHT
// requests in flight, creates COUNT selector-less Services and for each an Endpoints object with
// ENDPOINTS_PER addresses (the mirroring controller then writes an EndpointSlice per Endpoints: that work
// is counted, a cluster does it too). Meanwhile, in worker threads (so the load generator's own event
// loop does not skew them): WATCHERS watchers each watch services and endpoints and record when they
// see every object (fan-out delay = seen − the create's response, clamped at 0), and a prober GETs one
// object every 10 ms (open loop) and samples the server's VmRSS. At the end: full and paged (limit=500)
// LISTs, VmRSS/VmHWM. Prints a table; exits non-zero only on errors (benchmarks never gate CI).
// The child is killed and the temp dir removed at the end, also on failure.
// Usage: [COUNT=10000] [ENDPOINTS_PER=10] [WATCHERS=10] [INFLIGHT=32] [PROF=dir] [SERVE_FLAGS=...] node bench/api.ts
// PROF=dir runs the server with --cpu-prof into dir (written when it stops); SAMPLES=file.json writes
// every GET probe ({at, ms}) and the phase boundaries, to find when stalls happen.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nowMs, request, serverStats, summarize, vmStatus } from './api-lib.ts';
import type { ServerStats, Summary } from './api-lib.ts';
import type { ProbeResult } from './api-probe.ts';
import type { WatchResult } from './api-watch.ts';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const env = (name: string, def: number): number => Number(process.env[name] ?? def);
const COUNT = env('COUNT', 10_000);
const PER = env('ENDPOINTS_PER', 10);
const WATCHERS = env('WATCHERS', 10);
const INFLIGHT = env('INFLIGHT', 32);
// SERVE_FLAGS: the data-plane agents (service proxy, DNS) are off by default: this measures the control
// plane, as kube-proxy and CoreDNS are other processes on a cluster. SERVE_FLAGS='' runs everything.
const SERVE_FLAGS = (process.env['SERVE_FLAGS'] ?? '--disable-proxy --disable-dns').split(/\s+/).filter(Boolean);
const NS = 'default';
const name = (i: number): string => `svc-${String(i).padStart(6, '0')}`;

interface Server { child: ChildProcess; base: string; dir: string }

// startServer spawns `portico serve` and resolves with its URL once it prints its listening line.
function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-api-'));
  const prof = process.env['PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env['PROF'])}`] : [];
  const nodeArgs = (process.env['NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(NODE, [...prof, ...nodeArgs, join(ROOT, 'bin/portico.js'), 'serve', '--api-addr', '127.0.0.1:0',
    '--data-dir', dir, '--node-name', 'bench', '--log-level', 'warn', ...SERVE_FLAGS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error('portico serve did not start within 30 s')), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /API listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) { clearTimeout(t); res({ child, base: m[1], dir }); }
      if (process.env['SERVER_STDOUT']) appendFileSync(process.env['SERVER_STDOUT'], d);
    });
    child.once('exit', (code) => { clearTimeout(t); rej(new Error(`portico serve exited early (code ${code})`)); });
    process.once('exit', () => child.kill('SIGKILL'));
    stopOnFailure = () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
  });
}
let stopOnFailure = (): void => {};

// stopServer asks the server to stop (SIGTERM, so a --cpu-prof profile is written), SIGKILL after 15 s.
async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    await new Promise<void>((res) => {
      const t = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
      s.child.once('exit', () => { clearTimeout(t); res(); });
      s.child.kill('SIGTERM');
    });
  }
  rmSync(s.dir, { recursive: true, force: true });
}

function service(i: number): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: name(i), labels: { bench: 'api' } },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } };
}

function endpoints(i: number): object {
  const addresses = Array.from({ length: PER }, (_, j) => {
    const n = i * PER + j + 1;
    return { ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  });
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: name(i), labels: { bench: 'api' } },
    subsets: [{ addresses, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] };
}

interface Created { services: Float64Array; endpoints: Float64Array; latency: number[]; ms: number }

// createAll creates every Service then its Endpoints, INFLIGHT requests at a time.
async function createAll(base: string): Promise<Created> {
  const out: Created = { services: new Float64Array(COUNT), endpoints: new Float64Array(COUNT), latency: [], ms: 0 };
  let next = 0;
  const post = async (resource: 'services' | 'endpoints', body: object, i: number): Promise<void> => {
    const t0 = nowMs();
    const r = await request(base, 'POST', `/api/v1/namespaces/${NS}/${resource}`, JSON.stringify(body));
    if (r.status !== 201) throw new Error(`POST ${resource} ${name(i)}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
    const t1 = nowMs();
    out[resource][i] = t1;
    out.latency.push(t1 - t0);
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < COUNT; i = next++) {
      await post('services', service(i), i);
      await post('endpoints', endpoints(i), i);
    }
  };
  const t0 = nowMs();
  await Promise.all(Array.from({ length: INFLIGHT }, worker));
  out.ms = nowMs() - t0;
  return out;
}

interface ListResult { what: string; ms: number; bytes: number; items: number; pages: number; maxPageMs: number }

// list fetches a whole collection, in one response (limit 0) or in pages of `limit`.
async function list(base: string, resource: string, limit: number): Promise<ListResult> {
  const path = resource === 'endpointslices' ? `/apis/discovery.k8s.io/v1/namespaces/${NS}/${resource}` : `/api/v1/namespaces/${NS}/${resource}`;
  const res: ListResult = { what: `${resource}${limit ? ` (limit=${limit})` : ''}`, ms: 0, bytes: 0, items: 0, pages: 0, maxPageMs: 0 };
  let cont = '';
  const t0 = nowMs();
  do {
    const q = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cont ? { continue: cont } : {}) });
    const p0 = nowMs();
    const r = await request(base, 'GET', `${path}?${q}`);
    res.maxPageMs = Math.max(res.maxPageMs, nowMs() - p0);
    if (r.status !== 200) throw new Error(`LIST ${path}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
    const body = JSON.parse(r.text) as { items: unknown[]; metadata?: { continue?: string } };
    res.bytes += Buffer.byteLength(r.text);
    res.items += body.items.length;
    res.pages++;
    cont = body.metadata?.continue ?? '';
  } while (cont);
  res.ms = nowMs() - t0;
  return res;
}

// startWorker runs one of the probe roles in a worker thread; `ready` resolves on its first message.
function startWorker<T>(file: string, data: object): { ready: Promise<void>; done: Promise<T>; stop: () => void; worker: Worker } {
  const worker = new Worker(new URL(file, import.meta.url), { workerData: data });
  let ready = (): void => {};
  const readyP = new Promise<void>((r) => { ready = r; });
  const done = new Promise<T>((res, rej) => {
    worker.on('message', (m: { type: string; result?: T }) => {
      if (m.type === 'ready') ready();
      if (m.type === 'result') res(m.result as T);
    });
    worker.once('error', rej);
    worker.once('exit', (code) => rej(new Error(`worker ${file} exited (code ${code})`)));
  });
  done.catch(() => {});
  return { ready: readyP, done, stop: () => worker.postMessage({ type: 'stop' }), worker };
}

function delays(created: Float64Array, seen: Float64Array[]): Summary {
  const out: number[] = [];
  let missing = 0;
  for (const s of seen) {
    for (let i = 0; i < created.length; i++) {
      const c = created[i] ?? 0;
      const t = s[i] ?? 0;
      if (t === 0) missing++; else out.push(Math.max(0, t - c));
    }
  }
  return { ...summarize(out), missing };
}

const fmt = (n: number, d = 1): string => n.toFixed(d);
const row = (label: string, value: string): void => console.log(`  ${label.padEnd(40)} ${value}`);
const stats = (s: Summary): string =>
  `p50 ${fmt(s.p50)} ms  p99 ${fmt(s.p99)} ms  max ${fmt(s.max)} ms  (n=${s.n}${s.missing ? `, MISSING ${s.missing}` : ''})`;
const mib = (kb: number): string => `${fmt(kb / 1024)} MiB`;
const serverPhase = (a: ServerStats, b: ServerStats, n: number, what: string): string =>
  `CPU ${fmt(b.cpuSec - a.cpuSec, 2)} s (${fmt((1000 * (b.cpuSec - a.cpuSec)) / n, 2)} ms per ${what})  loop delay max ${fmt(b.lagMaxMs)} ms  p99 ${fmt(b.lagP99Ms)} ms`;

async function run(): Promise<number> {
  const s = await startServer();
  const pid = s.child.pid ?? 0;
  const rss0 = vmStatus(pid);
  const rv = JSON.parse((await request(s.base, 'GET', `/api/v1/namespaces/${NS}/services?limit=1`)).text).metadata.resourceVersion as string;
  const watch = startWorker<WatchResult>('./api-watch.ts', { base: s.base, ns: NS, rv, count: COUNT, watchers: WATCHERS });
  await watch.ready;
  const probe = startWorker<ProbeResult>('./api-probe.ts', { base: s.base, path: `/api/v1/namespaces/${NS}/services/kubernetes`, pid, everyMs: 10 });
  await probe.ready;
  console.log(`portico bench/api: ${COUNT} Services × ${PER} endpoints, ${WATCHERS} watchers, ${INFLIGHT} in flight (server pid ${pid}, serve ${SERVE_FLAGS.join(' ') || 'with every agent'})`);
  const st0 = await serverStats(s.base);
  const created = await createAll(s.base);
  const createEnd = nowMs();
  const st1 = await serverStats(s.base);
  const settleTimeout = setTimeout(() => watch.stop(), 300_000);
  const w = await watch.done;
  clearTimeout(settleTimeout);
  const lists: ListResult[] = [];
  const st2 = await serverStats(s.base);
  const listStart = nowMs();
  for (const r of ['services', 'endpoints', 'endpointslices']) lists.push(await list(s.base, r, 0), await list(s.base, r, 500));
  const listEnd = nowMs();
  const st3 = await serverStats(s.base);
  probe.stop();
  const p = await probe.done;
  const rss1 = vmStatus(pid);
  await stopServer(s);

  if (process.env['SAMPLES']) writeFileSync(process.env['SAMPLES'], JSON.stringify({ createStart: createEnd - created.ms, createEnd, listStart, listEnd, samples: p.samples }));
  const phase = (from: number, to: number): Summary => summarize(p.samples.filter((x) => x.at >= from && x.at <= to).map((x) => x.ms));
  console.log('\ncreate');
  row(`objects (Services + Endpoints)`, `${2 * COUNT} in ${fmt(created.ms / 1000, 2)} s = ${fmt(2 * COUNT / (created.ms / 1000), 0)} objects/s`);
  row('POST latency', stats(summarize(created.latency)));
  row('EndpointSlices mirrored (all by)', w.slicesDoneAt ? `+${fmt((w.slicesDoneAt - createEnd) / 1000, 2)} s after the last create` : `INCOMPLETE (${w.slices}/${COUNT})`);
  console.log(`\nwatch fan-out (${WATCHERS} watchers, create response → event seen)`);
  row('services', stats(delays(created.services, w.services)));
  row('endpoints', stats(delays(created.endpoints, w.endpoints)));
  console.log('\nGET prober (one GET every 10 ms, open loop)');
  row('during creates', stats(phase(created.ms ? createEnd - created.ms : 0, createEnd)));
  row('during LISTs', stats(phase(listStart, listEnd)));
  row('whole run', `${stats(summarize(p.samples.map((x) => x.ms)))}  errors ${p.errors}`);
  for (const [why, n] of Object.entries(p.why)) row('  error', `${n} × ${why}`);
  console.log('\nLIST');
  for (const l of lists) row(l.what, `${fmt(l.ms)} ms  ${fmt(l.bytes / 1048576)} MiB  ${l.items} items${l.pages > 1 ? `  ${l.pages} pages, slowest ${fmt(l.maxPageMs)} ms` : ''}`);
  console.log('\nserver (its /metrics: CPU time, event-loop delay max / p99 per phase)');
  row('during creates', serverPhase(st0, st1, 2 * COUNT, 'object'));
  row('during LISTs', serverPhase(st2, st3, lists.length, 'LIST'));
  console.log('\nserver memory');
  row('VmRSS at start / at end', `${mib(rss0.rssKb)} / ${mib(rss1.rssKb)}`);
  row('VmRSS peak sampled / VmHWM', `${mib(p.peakRssKb)} / ${mib(rss1.hwmKb)}`);
  const bad = p.errors > 0 || w.slicesDoneAt === 0 || (delays(created.services, w.services).missing ?? 0) > 0;
  return bad ? 1 : 0;
}

try {
  process.exitCode = await run();
} catch (e) {
  console.error(`bench/api failed: ${e instanceof Error ? e.stack : String(e)}`);
  stopOnFailure();
  process.exit(1);
}
process.exit();
