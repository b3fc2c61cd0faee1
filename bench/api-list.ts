// bench/api-list.ts — where a large LIST spends its time, in process (no HTTP, no other load from the
// bench): a sqlite store with COUNT Services and COUNT EndpointSlices of ENDPOINTS_PER endpoints, then
// for each resource: the whole-list path Portico had before (store.list parses every row, toServed,
// one JSON.stringify of the list: one synchronous block) against listStream (rows read per chunk, the
// stored JSON text spliced in, a turn of the event loop between chunks), and the Table (kubectl get)
// printing of one 500-item page. "longest block" is the longest time the event loop went without a turn;
// each figure is the median of three runs.
// Usage: [COUNT=10000] [ENDPOINTS_PER=10] node bench/api-list.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byResource, resourceKey, type ResourceInfo } from '../src/api/scheme.ts';
import { printTable } from '../src/api/printers/index.ts';
import { createRegistry } from '../src/apiserver/registry/index.ts';
import { openSqliteStore } from '../src/store/index.ts';

const COUNT = Number(process.env['COUNT'] ?? 10_000);
const PER = Number(process.env['ENDPOINTS_PER'] ?? 10);
const must = (g: string, v: string, r: string): ResourceInfo => { const i = byResource(g, v, r); if (!i) throw new Error(r); return i; };
const SERVICES = must('', 'v1', 'services');
const SLICES = must('discovery.k8s.io', 'v1', 'endpointslices');
const name = (i: number): string => `svc-${String(i).padStart(6, '0')}`;

function slice(i: number): object {
  const endpoints = Array.from({ length: PER }, (_, j) => {
    const n = i * PER + j + 1;
    return { addresses: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`], conditions: { ready: true, serving: true, terminating: false } };
  });
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: name(i), labels: { 'kubernetes.io/service-name': name(i) } },
    addressType: 'IPv4', endpoints, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
}

function service(i: number): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: name(i), labels: { bench: 'api' } }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
}

type Run = { ms: number; longest: number; bytes: number };

// median3 runs fn three times and keeps the median time and the median longest block (the machine is shared).
async function median3(fn: () => Promise<number>): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await blocks(fn));
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[1] ?? 0;
  return { ms: mid(runs.map((r) => r.ms)), longest: mid(runs.map((r) => r.longest)), bytes: runs[0]?.bytes ?? 0 };
}

// blocks measures the longest stretch without an event-loop turn while fn runs.
async function blocks(fn: () => Promise<number>): Promise<Run> {
  let last = performance.now();
  let longest = 0;
  let on = true;
  const tick = (): void => { const t = performance.now(); longest = Math.max(longest, t - last); last = t; if (on) setImmediate(tick); };
  setImmediate(tick);
  const t0 = performance.now();
  const bytes = await fn();
  const ms = performance.now() - t0;
  longest = Math.max(longest, performance.now() - last);
  on = false;
  return { ms, longest, bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-list-'));
try {
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  const reg = await createRegistry({ store, serviceCIDR: '10.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  await reg.create(must('', 'v1', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }).catch(() => {});
  for (let i = 0; i < COUNT; i += 200) {
    const n = Math.min(200, COUNT - i);
    await Promise.all(Array.from({ length: n }, (_, j) => reg.create(SERVICES, 'default', service(i + j) as never)));
    await Promise.all(Array.from({ length: n }, (_, j) => reg.create(SLICES, 'default', slice(i + j) as never)));
  }
  console.log(`portico bench/api-list: ${COUNT} Services, ${COUNT} EndpointSlices × ${PER} endpoints (sqlite, in process)`);
  const fmt = (r: Run): string =>
    `${r.ms.toFixed(0).padStart(5)} ms  longest block ${r.longest.toFixed(1).padStart(6)} ms  ${(r.bytes / 1048576).toFixed(1)} MiB`;
  for (const info of [SERVICES, SLICES]) {
    const old = await median3(async () => {
      const res = await store.list(resourceKey(info, 'default'));
      const text = JSON.stringify({ apiVersion: 'v1', kind: info.listKind, metadata: { resourceVersion: String(res.revision) }, items: res.items });
      return text.length;
    });
    const streamed = await median3(async () => {
      const s = await reg.listStream(info, 'default', {});
      let bytes = 0;
      for await (const chunk of s.chunks) bytes += chunk.map((i) => i.json).join(',').length;
      return bytes;
    });
    const table = await median3(async () => {
      const s = await reg.listStream(info, 'default', { limit: 500 });
      let bytes = 0;
      for await (const chunk of s.chunks) bytes += JSON.stringify(printTable(info, chunk.map((i) => i.object()), { wide: true, includeObject: 'Metadata' })).length;
      return bytes;
    });
    console.log(`\n${info.resource}`);
    console.log(`  whole list (parse all, stringify)   ${fmt(old)}`);
    console.log(`  listStream (chunks, stored text)    ${fmt(streamed)}`);
    console.log(`  Table of one 500-item page          ${fmt(table)}`);
  }
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
