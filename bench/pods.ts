// bench/pods.ts — how fast the node agent starts pods (issue 5's target: 200 pods Running/Ready in
// under 20 s). It starts `portico serve` as a child (temp data dir, its own pod CIDR, DNS on a free port,
// no service proxy), applies one Deployment of REPLICAS pods and polls (every 100 ms) the pods and the
// Deployment until every pod is Running and the Deployment reports every replica ready. Printed: time
// to all created, all Running, all Ready; the server's VmRSS/VmHWM, and the pods' total RSS. Then it
// deletes the Deployment and times until every pod process is gone, stops serve and checks /proc for
// leftovers (by a marker in the pods' environment).
// MODE picks the pod: `sleep` (default; `sh -c 'exec sleep 3600'`, ~1 MiB each), `probe` (the same
// with an exec readiness probe, period 10 s as the default, so Ready waits for a first probe), `node` (examples/echo-server.js
// with an httpGet readiness probe: ~40 MiB per pod, use fewer REPLICAS).
// Usage: [REPLICAS=200] [MODE=sleep|probe|node] [PROF=dir] node_modules/.bin/node bench/pods.ts
// Not a test: it exits non-zero only on errors, never on the figures.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const REPLICAS = Number(process.env['REPLICAS'] ?? 200);
const MODE = process.env['MODE'] ?? 'sleep';
const MARKER = `portico-bench-${randomBytes(6).toString('hex')}`;
const TIMEOUT_MS = 180_000;

function container(): Record<string, unknown> {
  const env = [{ name: 'MARKER', value: MARKER }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  if (MODE === 'node') {
    return { name: 'c', image: 'echo', command: ['node', join(ROOT, 'examples/echo-server.js')], env, ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 } };
  }
  const probe = MODE === 'probe' ? { readinessProbe: { exec: { command: ['true'] }, periodSeconds: 10 } } : {};
  return { name: 'c', image: 'sleep', command: ['sh', '-c', 'exec sleep 3600'], env, ...probe };
}

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bench', namespace: 'default' },
  spec: { replicas: REPLICAS, selector: { matchLabels: { app: 'bench' } }, template: { metadata: { labels: { app: 'bench' } }, spec: { terminationGracePeriodSeconds: 2, containers: [container()] } } },
};

interface Server { child: ChildProcess; base: string; dir: string }

function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-pods-'));
  const prof = process.env['PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env['PROF'])}`] : [];
  const [a = 0] = randomBytes(1);
  const child = spawn(NODE, [...prof, join(ROOT, 'bin/portico.js'), 'serve', '--api-addr', '127.0.0.1:0', '--data-dir', dir,
    '--node-name', 'bench', '--log-level', 'warn', '--pod-cidr', `127.${248 + (a % 4)}.0.0/16`, '--node-ip', `127.252.${a}.1`,
    '--service-cidr', `127.${96 + (a % 16)}.${a}.0/24`, '--dns-addr', '127.0.0.1:0', '--dns-upstream', 'none', '--disable-proxy'],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error('portico serve did not start within 60 s')), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /API listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) { clearTimeout(t); res({ child, base: m[1], dir }); }
    });
    child.once('exit', (code) => { clearTimeout(t); rej(new Error(`portico serve exited early (code ${code})`)); });
  });
}

function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((res, rej) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${base}${path}`, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }, (r) => {
      let text = '';
      r.setEncoding('utf8').on('data', (d: string) => { text += d; });
      r.on('end', () => { try { res({ status: r.statusCode ?? 0, json: JSON.parse(text) }); } catch { res({ status: r.statusCode ?? 0, json: text }); } });
    });
    req.on('error', rej);
    req.end(data);
  });
}

interface PodList { items: { status?: { phase?: string; conditions?: { type: string; status: string }[] } }[] }

async function podCounts(base: string): Promise<{ total: number; running: number; ready: number }> {
  const r = await call(base, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dbench');
  const items = (r.json as PodList).items ?? [];
  const running = items.filter((p) => p.status?.phase === 'Running').length;
  const ready = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  return { total: items.length, running, ready };
}

function markedPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (/\) Z /.test(readFileSync(`/proc/${d}/stat`, 'latin1'))) continue;
      if (readFileSync(`/proc/${d}/environ`, 'latin1').includes(MARKER)) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

function rssKiB(pid: number, field = 'VmRSS'): number {
  try { return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function until(what: string, t0: number, fn: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await fn()) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const s = await startServer();
  const pid = s.child.pid ?? 0;
  const rssIdle = rssKiB(pid);
  try {
    const t0 = performance.now();
    const c = await call(s.base, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
    if (c.status !== 201) throw new Error(`create deployment: HTTP ${c.status} ${JSON.stringify(c.json)}`);
    let last = { total: 0, running: 0, ready: 0 };
    const poll = async () => { last = await podCounts(s.base); return true; };
    const created = await until('pods created', t0, async () => (await poll()) && last.total >= REPLICAS);
    const running = await until('pods running', t0, async () => (await poll()) && last.running >= REPLICAS);
    const ready = await until('pods ready', t0, async () => {
      const d = await call(s.base, 'GET', '/apis/apps/v1/namespaces/default/deployments/bench');
      return ((d.json as { status?: { readyReplicas?: number } }).status?.readyReplicas ?? 0) >= REPLICAS;
    });
    const podRss = markedPids().reduce((n, p) => n + rssKiB(p), 0);
    const rssLoaded = rssKiB(pid);
    const t1 = performance.now();
    await call(s.base, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/bench');
    const gone = await until('pods deleted', t1, async () => markedPids().length === 0 && (await podCounts(s.base)).total === 0);
    console.log(`pods: ${REPLICAS} × ${MODE} on one node (Node ${process.version}, 2 shared cores)`);
    console.log(`  all created      ${created.toFixed(1)} s`);
    console.log(`  all Running      ${running.toFixed(1)} s`);
    console.log(`  all Ready        ${ready.toFixed(1)} s   (target < 20 s: ${ready < 20 ? 'met' : 'MISSED'})`);
    console.log(`  all deleted      ${gone.toFixed(1)} s   (processes gone and pod objects removed)`);
    console.log(`  serve VmRSS      ${mib(rssIdle)} idle → ${mib(rssLoaded)} with the pods; VmHWM ${mib(rssKiB(pid, 'VmHWM'))}`);
    console.log(`  pod processes    ${mib(podRss)} RSS in total (${(podRss / REPLICAS).toFixed(0)} KiB per pod, wrapper watcher included)`);
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => { if (s.child.exitCode !== null) r(undefined); else s.child.once('exit', r); });
    const left = markedPids();
    rmSync(s.dir, { recursive: true, force: true });
    if (left.length > 0) { console.error(`bench: ${left.length} pod processes left behind`); process.exitCode = 1; }
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
