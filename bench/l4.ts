// bench/l4.ts — side-by-side L4 proxy benchmark on loopback, in one run: direct to the backend, Portico's
// userspace proxy, HAProxy `mode tcp`, nginx `stream`, and a 20-line Node pipe (the naive reference).
// Same recipe as ../shared/bench/peers.sh: every proxy pinned to cpu0 (alone), the origin (nginx HTTP,
// iperf3 server) and the load generators (wrk, iperf3 client, wrk paced for latency) on cpu1.
// Tests are interleaved per pass so machine drift hits every target alike; it prints medians over passes
// (min–max) and the ratios Portico/direct and Portico/each peer. Beside each rate it prints the CPU time the
// target's processes used per unit of work (µs per request or connection, ms per GB), read from /proc: on a
// shared machine a rate says how much of cpu0 the target was left, the CPU per unit says what it costs.
//
//   rr       wrk -t2 -c50 keep-alive HTTP through the L4 proxy (small request round trips/s)
//   conn     the same with `Connection: close` (one TCP connection per request: new connections/s)
//   bulk     one iperf3 stream (Gbit/s)
//   latency  p99 at 1,000 req/s over 10 keep-alive connections (wrk paced by a Lua schedule, see pacedWrk in
//            peers-lib.ts); "added" = p99 - direct's p99
//
// Needs wrk, nginx (+ stream module), haproxy, iperf3 (Debian packages; a missing peer is skipped).
// Usage: node bench/l4.ts [passes=5] [seconds=5]   env: PIN=0 (no taskset), PORTICO_MALLOC=default (Portico
// without GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456, see main()), WORKERS=n (Portico processes
// sharing each listener with SO_REUSEPORT), PROFILE=dir (Portico runs with --cpu-prof into dir),
// ONLY=rr,conn (subset of tests), TARGETS=portico,haproxy (subset of targets; direct is always kept).
// portico-nft (root + nft only): Portico's nftables backend; the kernel DNATs, no proxy process carries the
// traffic, so its CPU per unit is ~0 (the work is in softirq, charged to the client and origin on cpu1).
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTicks, pacedWrk, pinned, run, start, which } from './peers-lib.ts';
import type { FakeProxySource } from '../src/proxy/index.ts';

const SELF = fileURLToPath(import.meta.url);
const NODE = process.execPath;
const HTTP = 22080, BULK = 22201;             // origin ports (cpu1): nginx HTTP "ok", iperf3 server
const VIP = process.env['PORTICO_VIP'] ?? '127.100.200.1'; // Portico's Service listens on VIP:HTTP and VIP:BULK
const OFF = { haproxy: 100, nginx: 200, pipe: 300 };
const NFT_VIP = '127.100.201.1', NFT_TABLE = 'portico_bench';
const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=268435456';
const role = process.argv[2];


// benchService gives a proxy's fake source one Service on vip with the HTTP and bulk ports, whose one
// endpoint is the origin, and marks it synced.
function benchService(source: FakeProxySource, vip: string): void {
  const ports = [{ name: 'http', port: HTTP, protocol: 'TCP' }, { name: 'bulk', port: BULK, protocol: 'TCP' }];
  source.services.set({ metadata: { namespace: 'default', name: 'bench' }, spec: { type: 'ClusterIP', clusterIP: vip, clusterIPs: [vip], ports } });
  source.slices.set({ addressType: 'IPv4', metadata: { namespace: 'default', name: 'bench-1', labels: { 'kubernetes.io/service-name': 'bench' } }, endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports });
  source.markSynced();
}

// portico runs the real ServiceProxy + UserspaceBackend (metrics on) over a fake source: one Service
// with the HTTP and bulk ports, one endpoint (the origin).
async function portico(): Promise<void> {
  const { FakeProxySource, ServiceProxy, UserspaceBackend } = await import('../src/proxy/index.ts');
  const source = new FakeProxySource();
  const backend = new UserspaceBackend({ reusePort: process.env['WORKERS'] !== undefined && process.env['WORKERS'] !== '1' });
  const proxy = new ServiceProxy({ source, backend, node: { name: 'bench', addresses: ['127.0.0.1'] } });
  benchService(source, VIP);
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  await proxy.run(ac.signal);
  process.exit(0); // lets --cpu-prof write its profile
}

// porticoNft runs the ServiceProxy with the nftables backend (table portico_bench): the same Service on
// NFT_VIP, DNATed in the kernel to the origin. It deletes its table on SIGTERM.
async function porticoNft(): Promise<void> {
  const { FakeProxySource, ServiceProxy } = await import('../src/proxy/index.ts');
  const { NftablesBackend } = await import('../src/proxy/backends/nftables/index.ts');
  const source = new FakeProxySource();
  const proxy = new ServiceProxy({ source, backend: new NftablesBackend({ table: NFT_TABLE }), node: { name: 'bench', addresses: ['127.0.0.1'] } });
  benchService(source, NFT_VIP);
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  await proxy.run(ac.signal);
  process.exit(0);
}

// pipe is the naive reference: ../shared/bench/node-tcp-proxy.js, net.Server + pipe() both ways.
function pipe(): void {
  for (const port of [HTTP, BULK]) {
    createServer((c) => {
      const u = connect(port, '127.0.0.1');
      c.setNoDelay(true); u.setNoDelay(true);
      const kill = () => { c.destroy(); u.destroy(); };
      c.on('error', kill); u.on('error', kill);
      c.pipe(u); u.pipe(c);
    }).listen(port + OFF.pipe, '127.0.0.1');
  }
  process.on('SIGTERM', () => process.exit(0));
}



interface Target { name: string; host: string; http: number; bulk: number; procs: ChildProcess[] }


function wrk(t: Target, secs: number, close: boolean): number {
  const out = run(1, 'wrk', ['-t2', '-c50', `-d${secs}s`, ...(close ? ['-H', 'Connection: close'] : []), `http://${t.host}:${t.http}/`]);
  const errs = /Socket errors: (.*)/.exec(out)?.[1] ?? '';
  if (errs || /Non-2xx/.test(out)) console.error(`  ${t.name}: ${errs} ${/Non-2xx.*/.exec(out)?.[0] ?? ''}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
}
function iperf(t: Target, secs: number): number {
  const out = run(1, 'iperf3', ['-J', '-c', t.host, '-p', String(t.bulk), '-t', String(Math.min(secs, 4))]);
  try { return (JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second / 1e9; } catch { return NaN; }
}
// lat is the p99 (ms) at 1,000 req/s over 10 keep-alive connections (wrk paced, see pacedWrk).
function lat(t: Target, secs: number, dir: string): number {
  return pacedWrk(1, { rate: 1000, secs, threads: 1, conns: 10, url: `http://${t.host}:${t.http}/`, dir }).p99;
}

async function waitPort(host: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await new Promise<boolean>((r) => { const s = connect(port, host); s.on('connect', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); })) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${host}:${port} not listening`);
}

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 5), secs = Number(process.argv[3] ?? 5);
  const only = process.env['ONLY']?.split(',');
  const onlyTargets = process.env['TARGETS']?.split(',');
  const workers = Number(process.env['WORKERS'] ?? 1);
  if (!which('wrk')) throw new Error('bench/l4.ts needs wrk (apt-get install wrk)');
  const dir = mkdtempSync(join(tmpdir(), 'portico-l4-'));
  const procs: ChildProcess[] = [];
  const targets: Target[] = [];
  const want = (n: string) => !onlyTargets || onlyTargets.includes(n);
  try {
    const nginx = which('nginx');
    const stream = existsSync('/usr/lib/nginx/modules/ngx_stream_module.so');
    if (!nginx) throw new Error('bench/l4.ts needs nginx as the origin');
    writeFileSync(join(dir, 'origin.conf'), `worker_processes 1;\npid ${dir}/origin.pid;\nerror_log ${dir}/origin.err warn;\nevents { worker_connections 16384; }\n` +
      `http { access_log off; keepalive_requests 1000000;\n  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;\n` +
      `  server { listen 127.0.0.1:${HTTP} backlog=4096; location / { return 200 "ok"; } } }\n`);
    const origin = start(1, nginx, ['-p', dir, '-c', join(dir, 'origin.conf'), '-g', 'daemon off;', '-e', join(dir, 'origin.start.err')]);
    procs.push(origin);
    targets.push({ name: 'direct', host: '127.0.0.1', http: HTTP, bulk: BULK, procs: [origin] });
    const iperf3 = which('iperf3');
    if (iperf3) procs.push(start(1, iperf3, ['-s', '-B', '127.0.0.1', '-p', String(BULK)]));
    const prof = process.env['PROFILE'];
    // MALLOC: glibc's malloc hands Node's 64 KB read buffers back to the kernel and faults them in again
    // (12-20k page faults/s in bulk runs); a high trim threshold keeps them. PORTICO_MALLOC=default: without.
    const malloc = process.env['PORTICO_MALLOC'] === 'default' ? {} : { GLIBC_TUNABLES: MALLOC_TUNABLES };
    const pw = Array.from({ length: workers }, () => start(0, NODE, [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), SELF, 'portico'], { WORKERS: String(workers), ...malloc }));
    procs.push(...pw);
    targets.push({ name: 'portico', host: VIP, http: HTTP, bulk: BULK, procs: pw });
    const haproxy = which('haproxy');
    if (haproxy && want('haproxy')) {
      writeFileSync(join(dir, 'haproxy.cfg'), 'global\n  nbthread 1\n  maxconn 4000\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n' +
        [HTTP, BULK].map((p) => `listen l${p}\n  bind 127.0.0.1:${p + OFF.haproxy}\n  server o 127.0.0.1:${p}\n`).join(''));
      const p = start(0, haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')]);
      procs.push(p);
      targets.push({ name: 'haproxy', host: '127.0.0.1', http: HTTP + OFF.haproxy, bulk: BULK + OFF.haproxy, procs: [p] });
    }
    if (nginx && stream && want('nginx')) {
      writeFileSync(join(dir, 'nginx.conf'), `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx.err warn;\nevents { worker_connections 16384; }\nstream {\n` +
        [HTTP, BULK].map((p) => `  server { listen 127.0.0.1:${p + OFF.nginx} backlog=4096; proxy_pass 127.0.0.1:${p}; }\n`).join('') + '}\n');
      const p = start(0, nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;', '-e', join(dir, 'nginx.start.err')]);
      procs.push(p);
      targets.push({ name: 'nginx', host: '127.0.0.1', http: HTTP + OFF.nginx, bulk: BULK + OFF.nginx, procs: [p] });
    }
    if (want('pipe')) {
      const p = start(0, NODE, [SELF, 'pipe']);
      procs.push(p);
      targets.push({ name: 'pipe', host: '127.0.0.1', http: HTTP + OFF.pipe, bulk: BULK + OFF.pipe, procs: [p] });
    }
    const nftOk = process.getuid?.() === 0 && which('nft') !== undefined;
    if (want('portico-nft') && onlyTargets && !nftOk) console.error('portico-nft skipped: needs root and nft');
    if (want('portico-nft') && onlyTargets && nftOk) {
      const p = start(0, NODE, [SELF, 'portico-nft']);
      procs.push(p);
      targets.push({ name: 'portico-nft', host: NFT_VIP, http: HTTP, bulk: BULK, procs: [p] });
      await waitPort(NFT_VIP, HTTP); // nothing listens on the VIP: this waits for the DNAT
      console.log('portico-nft: kernel DNAT (nftables); no proxy process carries traffic, so its CPU/op is ~0 and cpu0 pinning does not apply');
    }
    const active = targets.filter((t) => t.name === 'direct' || want(t.name));
    for (const t of active) await waitPort(t.host, t.http);
    const tests = [
      { id: 'rr', unit: 'req/s', fn: (t: Target) => wrk(t, secs, false) },
      { id: 'conn', unit: 'conn/s', fn: (t: Target) => wrk(t, secs, true) },
      ...(iperf3 ? [{ id: 'bulk', unit: 'Gbit/s', fn: (t: Target) => iperf(t, secs) }] : []),
      { id: 'latency', unit: 'p99 ms @1k req/s', fn: (t: Target) => lat(t, Math.min(secs, 5), dir) },
    ].filter((t) => !only || only.includes(t.id));
    // warm-up: lets V8 compile the Node proxies' hot paths before anything is recorded
    for (const t of active) { wrk(t, 2, false); wrk(t, 1, true); }
    const res = new Map<string, number[]>();
    for (let pass = 1; pass <= passes; pass++) {
      const line: string[] = [];
      for (const test of tests) {
        for (const t of active) {
          await new Promise((r) => setTimeout(r, 300));
          const c0 = cpuTicks(t.procs);
          const v = test.fn(t);
          const k = `${test.id}/${t.name}`;
          res.set(k, [...(res.get(k) ?? []), v]);
          // CPU of the target per unit of work: µs per request/connection, ms per GB for bulk
          const cpuMs = (cpuTicks(t.procs) - c0) * 10, secsRun = test.id === 'bulk' ? Math.min(secs, 4) : secs;
          const work = test.id === 'bulk' ? v / 8 * secsRun : v * secsRun / 1000;
          if (test.id !== 'latency' && work > 0) res.set(`cpu/${k}`, [...(res.get(`cpu/${k}`) ?? []), cpuMs / work]);
          line.push(`${k}=${v.toFixed(test.id === 'bulk' || test.id === 'latency' ? 2 : 0)}`);
        }
      }
      console.log(`pass ${pass}/${passes} (load ${(await import('node:os')).loadavg()[0]?.toFixed(2)}): ${line.join(' ')}`);
    }
    const sorted = (k: string) => [...(res.get(k) ?? [])].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const med = (k: string) => { const v = sorted(k); return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] ?? NaN : ((v[v.length / 2 - 1] ?? 0) + (v[v.length / 2] ?? 0)) / 2) : NaN; };
    console.log(`\npasses=${passes} seconds=${secs} pinned=${pinned} portico workers=${workers} malloc=${process.env['PORTICO_MALLOC'] === 'default' ? 'default' : MALLOC_TUNABLES} (proxies on cpu0; origin + load on cpu1)`);
    for (const test of tests) {
      const dp = test.id === 'bulk' || test.id === 'latency' ? 2 : 0;
      console.log(`${test.id} [${test.unit}]  median (min–max over passes)`);
      const cpuUnit = test.id === 'bulk' ? 'CPU ms/GB' : 'CPU µs/op';
      for (const t of active) {
        const v = sorted(`${test.id}/${t.name}`);
        const added = test.id === 'latency' && t.name !== 'direct' ? `  added p99 ${(med(`${test.id}/${t.name}`) - med(`${test.id}/direct`)).toFixed(2)} ms` : '';
        const cpu = test.id !== 'latency' ? `  ${cpuUnit} ${med(`cpu/${test.id}/${t.name}`).toFixed(1)}` : '';
        console.log(`  ${t.name.padEnd(8)} ${med(`${test.id}/${t.name}`).toFixed(dp).padStart(9)}  (${v[0]?.toFixed(dp)}–${v[v.length - 1]?.toFixed(dp)})${cpu}${added}`);
      }
      if (test.id !== 'latency') {
        const others = active.filter((t) => t.name !== 'portico');
        console.log(`  rate      ${others.map((t) => `portico/${t.name}=${(med(`${test.id}/portico`) / med(`${test.id}/${t.name}`)).toFixed(2)}`).join('  ')}`);
        if (active.some((t) => t.name === 'portico-nft')) {
          console.log(`  nft rate  ${active.filter((t) => t.name !== 'portico-nft').map((t) => `portico-nft/${t.name}=${(med(`${test.id}/portico-nft`) / med(`${test.id}/${t.name}`)).toFixed(2)}`).join('  ')}`);
        }
        // efficiency: the peer's CPU per unit over Portico's (>1: Portico does the work with less CPU)
        console.log(`  CPU eff.  ${others.map((t) => `portico/${t.name}=${(med(`cpu/${test.id}/${t.name}`) / med(`cpu/${test.id}/portico`)).toFixed(2)}`).join('  ')}`);
      }
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    if (process.getuid?.() === 0 && which('nft')) spawnSync('nft', ['-f', '-'], { input: `add table ip ${NFT_TABLE}\ndelete table ip ${NFT_TABLE}\n` });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (role === 'portico') await portico();
else if (role === 'portico-nft') await porticoNft();
else if (role === 'pipe') pipe();
else await main();
