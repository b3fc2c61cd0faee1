// bench/l4.ts — side-by-side L4 proxy benchmark on loopback: direct, Portico's userspace proxy, a naive Node
// pipe proxy, and HAProxy `mode tcp` / nginx `stream` when their binaries are installed. Proxies run pinned
// to cpu0, origin and load generator to cpu1 (PIN=0 disables taskset). Prints medians and ratios.
// Usage: node bench/l4.ts [passes=3] [seconds=5]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const NODE = process.execPath;
const P = { rr: 22001, conn: 22002, bulk: 22003 };
const OFF = { naive: 100, haproxy: 200, nginx: 300 };
const VIP = '127.100.200.1';
const MSG = 64;
const role = process.argv[2];

if (role === 'origin') origin();
else if (role === 'naive') naive();
else if (role === 'portico') await portico();
else if (role === 'load') await load(process.argv[3] ?? '', process.argv[4] ?? '', Number(process.argv[5]), Number(process.argv[6]));
else await main();

// origin serves three ports: rr answers every 64-byte request, conn writes one byte and closes, bulk streams.
function origin(): void {
  createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length; while (n >= MSG) { n -= MSG; s.write(REPLY); } }); s.on('error', () => {}); }).listen(P.rr, '127.0.0.1');
  createServer((s) => { s.on('error', () => {}); s.end('x'); }).listen(P.conn, '127.0.0.1');
  const chunk = Buffer.alloc(256 * 1024, 7);
  createServer((s) => { s.on('error', () => {}); const pump = () => { while (s.write(chunk)); }; s.on('drain', pump); pump(); }).listen(P.bulk, '127.0.0.1');
}
const REPLY = Buffer.alloc(MSG, 1);

function naive(): void {
  for (const port of Object.values(P)) {
    createServer((c) => { const u = connect(port, '127.0.0.1'); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(port + OFF.naive, '127.0.0.1');
  }
}

async function portico(): Promise<void> {
  const { FakeProxySource, ServiceProxy, UserspaceBackend } = await import('../src/proxy/index.ts');
  const { Registry } = await import('prom-client');
  const source = new FakeProxySource();
  const backend = new UserspaceBackend({ registry: new Registry() });
  const proxy = new ServiceProxy({ source, backend, node: { name: 'bench', addresses: ['127.0.0.1'] } });
  const ports = Object.entries(P).map(([name, port]) => ({ name, port, protocol: 'TCP' }));
  source.services.set({ metadata: { namespace: 'default', name: 'bench' }, spec: { type: 'ClusterIP', clusterIP: VIP, ports } });
  source.slices.set({ addressType: 'IPv4', metadata: { namespace: 'default', name: 'bench-1', labels: { 'kubernetes.io/service-name': 'bench' } }, endpoints: [{ addresses: ['127.0.0.1'] }], ports });
  source.markSynced();
  await proxy.run(new AbortController().signal);
}

// load runs one test against host:port for seconds and prints one JSON line.
async function load(test: string, host: string, port: number, seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  let count = 0, errors = 0;
  const lat: number[] = [];
  if (test === 'rr') {
    await Promise.all(Array.from({ length: 50 }, () => new Promise<void>((resolve) => {
      const s = connect(port, host); const req = Buffer.alloc(MSG, 2); let got = 0;
      s.on('connect', () => s.write(req)); s.on('error', () => { errors++; resolve(); });
      s.on('data', (d) => { got += d.length; while (got >= MSG) { got -= MSG; count++; if (performance.now() < end) s.write(req); else { s.destroy(); resolve(); return; } } });
    })));
  } else if (test === 'conn') {
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (performance.now() < end) {
        await new Promise<void>((r) => { const s = connect(port, host); s.on('data', () => {}); s.on('close', () => r()); s.on('error', () => errors++); s.on('end', () => { count++; s.destroy(); }); });
      }
    }));
  } else if (test === 'bulk') {
    await new Promise<void>((r) => { const s = connect(port, host); s.on('data', (d) => { count += d.length; if (performance.now() > end) { s.destroy(); r(); } }); s.on('error', () => { errors++; r(); }); });
  } else if (test === 'latency') {
    const s = connect(port, host); await new Promise((r) => s.once('connect', r));
    const req = Buffer.alloc(MSG, 3); let t0 = 0, got = 0;
    s.on('data', (d) => { got += d.length; if (got >= MSG) { got -= MSG; lat.push(performance.now() - t0); count++; } });
    while (performance.now() < end) { t0 = performance.now(); s.write(req); await new Promise((r) => setTimeout(r, 1)); }
    s.destroy();
  }
  lat.sort((a, b) => a - b);
  const p99 = lat[Math.floor(lat.length * 0.99)] ?? 0;
  process.stdout.write(JSON.stringify({ rate: count / seconds, errors, p99 }) + '\n');
}

function start(cpu: number, cmd: string, args: string[]): ChildProcess {
  const pin = process.env['PIN'] !== '0' && existsSync('/usr/bin/taskset');
  return spawn(pin ? 'taskset' : cmd, pin ? ['-c', String(cpu), cmd, ...args] : args, { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function runLoad(test: string, host: string, port: number, seconds: number): Promise<{ rate: number; errors: number; p99: number }> {
  const c = start(1, NODE, [SELF, 'load', test, host, String(port), String(seconds)]);
  let out = '';
  c.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise((r) => c.on('exit', r));
  return JSON.parse(out) as { rate: number; errors: number; p99: number };
}

function which(bin: string): string | undefined {
  return ['/usr/sbin/', '/usr/bin/', '/usr/local/sbin/', '/usr/local/bin/'].map((d) => d + bin).find((p) => existsSync(p));
}

function peerConfigs(dir: string): { name: string; cmd: string; args: string[]; off: number }[] {
  const out: { name: string; cmd: string; args: string[]; off: number }[] = [];
  const haproxy = which('haproxy');
  if (haproxy) {
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, `global\n  nbthread 1\n  maxconn 4000\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n` +
      Object.values(P).map((p) => `listen l${p}\n  bind 127.0.0.1:${p + OFF.haproxy}\n  server o 127.0.0.1:${p}\n`).join(''));
    out.push({ name: 'haproxy', cmd: haproxy, args: ['-db', '-f', cfg], off: OFF.haproxy });
  }
  const nginx = which('nginx');
  if (nginx && existsSync('/usr/lib/nginx/modules/ngx_stream_module.so')) {
    const cfg = join(dir, 'nginx.conf');
    writeFileSync(cfg, `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx.err warn;\nevents { worker_connections 16384; }\nstream {\n` +
      Object.values(P).map((p) => `  server { listen 127.0.0.1:${p + OFF.nginx} backlog=4096; proxy_pass 127.0.0.1:${p}; }\n`).join('') + '}\n');
    out.push({ name: 'nginx', cmd: nginx, args: ['-p', dir, '-c', cfg, '-g', 'daemon off;'], off: OFF.nginx });
  }
  return out;
}

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 3), secs = Number(process.argv[3] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'portico-l4-'));
  const procs = [start(1, NODE, [SELF, 'origin']), start(0, NODE, [SELF, 'naive']), start(0, NODE, [SELF, 'portico'])];
  const peers = peerConfigs(dir);
  for (const p of peers) procs.push(start(0, p.cmd, p.args));
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const targets = [
      { name: 'direct', host: '127.0.0.1', off: 0 }, { name: 'portico', host: VIP, off: 0 }, { name: 'node-pipe', host: '127.0.0.1', off: OFF.naive },
      ...peers.map((p) => ({ name: p.name, host: '127.0.0.1', off: p.off })),
    ];
    const tests = [['rr', P.rr, 'req/s'], ['conn', P.conn, 'conn/s'], ['bulk', P.bulk, 'Gbit/s'], ['latency', P.rr, 'p99 ms @1k/s']] as const;
    const res = new Map<string, number[]>();
    for (let pass = 0; pass < passes; pass++) {
      for (const [test, port] of tests) {
        for (const t of targets) {
          const r = await runLoad(test, t.host, port + t.off, test === 'latency' ? Math.min(secs, 3) : secs);
          const v = test === 'bulk' ? r.rate * 8 / 1e9 : test === 'latency' ? r.p99 : r.rate;
          const k = `${test}/${t.name}`;
          res.set(k, [...(res.get(k) ?? []), v]);
          if (r.errors) console.error(`${k}: ${r.errors} errors`);
        }
      }
    }
    const med = (k: string) => { const v = [...(res.get(k) ?? [])].sort((a, b) => a - b); return v[Math.floor(v.length / 2)] ?? NaN; };
    console.log(`passes=${passes} seconds=${secs} pin=${process.env['PIN'] !== '0'} (proxies cpu0; origin+load cpu1)`);
    for (const [test, , unit] of tests) {
      const row = targets.map((t) => `${t.name}=${med(`${test}/${t.name}`).toFixed(test === 'rr' || test === 'conn' ? 0 : 3)}`).join('  ');
      const ratios = ['direct', 'node-pipe', 'haproxy', 'nginx'].filter((n) => res.has(`${test}/${n}`))
        .map((n) => `portico/${n}=${(med(`${test}/portico`) / med(`${test}/${n}`)).toFixed(2)}`).join('  ');
      console.log(`${test.padEnd(8)} [${unit}] ${row}  |  ${ratios}`);
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
