// bench/dns.ts — Portico's cluster DNS against Knot (same records from a zone file) and the naive Node
// responder (../shared/bench/node-dns.js), interleaved per pass, each server alone on cpu0, the load
// generator on cpu1 (PIN=0 turns pinning off). Throughput: dnsperf -c1 -T1 -q100 when installed, else a
// built-in generator with 100 queries in flight. Latency: a fixed-rate open-loop generator (10k q/s).
// Scenarios: a ClusterIP A query (1000 names), a headless A query with 10 endpoints, an NXDOMAIN.
// Latency at a fixed 10k q/s: dnsperf -Q 10000 -v (every query's latency), plus Portico's own view over
// IPC: event-loop delay and GC pauses during the run, to tell server stalls from machine noise.
// RT=1 repeats the latency runs with the servers (never the generator) at SCHED_FIFO: the servers only
// wake on packets (~20% of a core at 10k q/s), and FIFO takes the other tenants' time slices out of the
// tail. Every process started is stopped on exit; files live in a mkdtemp directory that is removed.
// Usage: [RT=1] [PIN=0] node bench/dns.ts [passes=3] [seconds=5]
// Roles (internal): --serve <port> | --loadgen <port> <file> <seconds> <inflight> | --latency <port> <file> <seconds> <qps>
import { spawn, spawnSync } from 'node:child_process';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDnsServer, FakeLookup } from '../src/dns/index.ts';
import { queryBytes } from '../src/dns/testing/client.ts';
import { clusterIPService, headlessService, slice } from '../src/dns/testing/fixtures.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const NAIVE = resolve(HERE, '../../shared/bench/node-dns.js');
const NAMES = 1000;
const PORTS = { portico: 21160, knot: 21161, naive: 21162 };
const PIN = process.env['PIN'] !== '0';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function svcIP(i: number): string { return `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`; }

// serve runs the Portico server with the benchmark's records until SIGTERM.
async function serve(port: number): Promise<void> {
  const l = new FakeLookup();
  for (let i = 0; i < NAMES; i++) l.upsertService(clusterIPService('default', `svc-${i}`, [svcIP(i)]));
  l.upsertService(headlessService('default', 'headless'));
  l.upsertSlice(slice('default', 'headless', 'headless-1', Array.from({ length: 10 }, (_, i) => ({ ip: `10.244.0.${i + 1}` }))));
  const s = await createDnsServer({ lookup: l, port, upstreams: [] });
  await s.ready();
  process.on('SIGTERM', () => { void s.close().then(() => process.exit(0)); });
  reportStalls();
}

// ServerStats is what the Portico server saw during one latency run: event-loop lag (how much later than
// due a 1 ms timer fired: a stall of the loop, GC included, or a batch of queued packets) and GC pauses.
interface ServerStats { loopP50Ms: number; loopP99Ms: number; loopMaxMs: number; gcCount: number; gcMaxMs: number }

// reportStalls answers the parent's 'start' and 'stats' IPC messages (the bench server role only).
function reportStalls(): void {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let gc: number[] = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gc.push(e.duration); });
  process.on('message', (m) => {
    if (m === 'start') { loop.reset(); loop.enable(); gc = []; obs.observe({ entryTypes: ['gc'] }); process.send?.('started'); return; }
    loop.disable();
    obs.disconnect();
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 1); // the histogram holds the interval; subtract the 1 ms period
    const stats: ServerStats = { loopP50Ms: ms(loop.percentile(50)), loopP99Ms: ms(loop.percentile(99)), loopMaxMs: ms(loop.max), gcCount: gc.length, gcMaxMs: Math.max(0, ...gc) };
    process.send?.(stats);
  });
}

// ask sends one IPC message to a child and resolves with its answer.
function ask<T>(c: ChildProcess, msg: string): Promise<T> {
  return new Promise((resolve) => { c.once('message', (m) => resolve(m as T)); c.send(msg); });
}

function queryFile(path: string): Buffer[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l, i) => {
    const [name = '', type = 'A'] = l.split(' ');
    return queryBytes(name, type === 'A' ? 1 : 28, { id: i & 0xffff, edns: 1232 });
  });
}

// loadgen keeps `inflight` queries outstanding for `seconds` and prints {qps}.
async function loadgen(port: number, file: string, seconds: number, inflight: number): Promise<void> {
  const qs = queryFile(file);
  const sock = dgram.createSocket('udp4');
  let done = 0;
  let i = 0;
  let stop = false;
  const sendOne = () => { const q = qs[i++ % qs.length]; if (q) sock.send(q, port, '127.0.0.1'); };
  sock.on('message', () => { done++; if (!stop) sendOne(); });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const t0 = performance.now();
  for (let k = 0; k < inflight; k++) sendOne();
  // refill lost queries so the window never drains
  const refill = setInterval(() => { for (let k = 0; k < 10; k++) sendOne(); }, 100);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  clearInterval(refill);
  const qps = done / ((performance.now() - t0) / 1000);
  sock.close();
  console.log(JSON.stringify({ qps, avgMs: NaN, lost: 0 }));
}

// latency sends at a fixed rate (open loop) and prints {p50Ms, p99Ms, lost}.
async function latency(port: number, file: string, seconds: number, qps: number): Promise<void> {
  const qs = queryFile(file);
  // a synchronous lookup, so each send leaves inside the tick that stamped it (not a nextTick later)
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20,
    lookup: ((a: string, _o: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, a, 4)) as dgram.SocketOptions['lookup'] });
  const sentAt = new Float64Array(65536);
  const lat: number[] = [];
  let seq = 0;
  sock.on('message', (m) => { const id = m.readUInt16BE(0); const t = sentAt[id] ?? 0; if (t) { lat.push(performance.now() - t); sentAt[id] = 0; } });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((r) => {
    const tick = setInterval(() => {
      const due = Math.min(qps * seconds, Math.floor(((performance.now() - t0) / 1000) * qps));
      for (; sent < due; sent++) {
        const q = Buffer.from(qs[seq % qs.length] ?? Buffer.alloc(0));
        const id = seq++ & 0xffff;
        q.writeUInt16BE(id, 0);
        sentAt[id] = performance.now();
        sock.send(q, port, '127.0.0.1');
      }
      if (sent >= qps * seconds) { clearInterval(tick); r(); }
    }, 1);
  });
  await new Promise((r) => setTimeout(r, 300));
  sock.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
  console.log(JSON.stringify({ p50Ms: pct(0.5), p99Ms: pct(0.99), p999Ms: pct(0.999), lost: sent - lat.length }));
}

const children: ChildProcess[] = [];
function startOn(cpu: number, cmd: string, args: string[], ipc = false): ChildProcess {
  const stdio: ('ignore' | 'inherit' | 'ipc')[] = ipc ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'ignore', 'ignore'];
  const c = PIN ? spawn('taskset', ['-c', String(cpu), cmd, ...args], { stdio }) : spawn(cmd, args, { stdio });
  children.push(c);
  return c;
}
function runOn(cpu: number, cmd: string, args: string[]): string {
  const r = PIN ? spawnSync('taskset', ['-c', String(cpu), cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return `${r.stdout}${r.stderr}`;
}

async function waitDns(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = dgram.createSocket('udp4');
      const t = setTimeout(() => { s.close(); r(false); }, 200);
      s.on('message', () => { clearTimeout(t); s.close(); r(true); });
      s.send(queryBytes('svc-1.default.svc.cluster.local', 1), port, '127.0.0.1');
    });
    if (ok) return true;
  }
  return false;
}

function writeFixtures(dir: string): { clusterip: string; headless: string; nxdomain: string } {
  const zone = ['$ORIGIN cluster.local.', '$TTL 5', '@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5', '@ IN NS ns.dns.cluster.local.', 'ns.dns IN A 10.96.0.10'];
  for (let i = 0; i < NAMES; i++) zone.push(`svc-${i}.default.svc IN A ${svcIP(i)}`);
  for (let i = 0; i < 10; i++) zone.push(`headless.default.svc IN A 10.244.0.${i + 1}`);
  writeFileSync(join(dir, 'cluster.local.zone'), `${zone.join('\n')}\n`);
  writeFileSync(join(dir, 'knot.conf'), [
    'server:', `    listen: 127.0.0.1@${PORTS.knot}`, `    rundir: ${dir}`, '    udp-workers: 1', '    tcp-workers: 1', '    background-workers: 1',
    'log:', '  - target: stderr', '    any: warning', 'database:', `    storage: ${dir}/db`,
    'zone:', '  - domain: cluster.local', `    storage: ${dir}`, '    file: cluster.local.zone', '    zonefile-sync: -1', '    journal-content: none', ''].join('\n'));
  const files = { clusterip: join(dir, 'a.txt'), headless: join(dir, 'headless.txt'), nxdomain: join(dir, 'nx.txt') };
  writeFileSync(files.clusterip, Array.from({ length: NAMES }, (_, i) => `svc-${(i * 7919) % NAMES}.default.svc.cluster.local A`).join('\n') + '\n');
  writeFileSync(files.headless, 'headless.default.svc.cluster.local A\n');
  writeFileSync(files.nxdomain, Array.from({ length: NAMES }, (_, i) => `nx-${i}.default.svc.cluster.local A`).join('\n') + '\n');
  return files;
}

function throughput(port: number, file: string, seconds: number): number {
  if (has('dnsperf')) {
    const out = runOn(1, 'dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '1', '-T', '1', '-q', '100']);
    return Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  }
  const out = runOn(1, process.execPath, [fileURLToPath(import.meta.url), '--loadgen', String(port), file, String(seconds), '100']);
  return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { qps?: number }).qps ?? 0;
}

interface Latency { p50Ms: number; p99Ms: number; p999Ms?: number; lost: number; cpuUsPerQuery?: number }

// cpuTicks is a process's user + system CPU time in clock ticks (1/100 s), all threads.
function cpuTicks(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(f[11]) + Number(f[12]);
  } catch { return NaN; }
}

// latencyAt measures p50/p99/p99.9 at a fixed rate with dnsperf -Q <qps> -v (one line per answered query,
// with its latency) or with the built-in open-loop generator (10 queries per 1 ms tick, send and receive
// stamped in one thread); rt runs the built-in generator at SCHED_FIFO (it sleeps between ticks).
function latencyAt(port: number, file: string, qps: number, tool: 'dnsperf' | 'node', rt = false): Latency {
  if (tool === 'dnsperf') {
    const out = runOn(1, 'dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', '3', '-Q', String(qps), '-v']);
    const lat = out.split('\n').filter((l) => l.startsWith('> ')).map((l) => Number(l.split(' ').pop()) * 1000).sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
    return { p50Ms: pct(0.5), p99Ms: pct(0.99), p999Ms: pct(0.999), lost: Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? NaN) };
  }
  const args = [fileURLToPath(import.meta.url), '--latency', String(port), file, '3', String(qps)];
  const out = rt ? runOn(1, 'chrt', ['-f', '50', process.execPath, ...args]) : runOn(1, process.execPath, args);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Latency;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

async function main(passes: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-dns-bench-'));
  try {
    const files = writeFixtures(dir);
    const servers: [string, number][] = [['portico', PORTS.portico]];
    const pids = new Map<string, number>();
    const portico = startOn(0, process.execPath, [fileURLToPath(import.meta.url), '--serve', String(PORTS.portico)], true);
    pids.set('portico', portico.pid ?? 0);
    if (has('knotd')) { pids.set('knot', startOn(0, 'knotd', ['-c', join(dir, 'knot.conf')]).pid ?? 0); servers.push(['knot', PORTS.knot]); }
    if (existsSync(NAIVE)) { pids.set('naive-node', startOn(0, process.execPath, [NAIVE, String(PORTS.naive), String(NAMES)]).pid ?? 0); servers.push(['naive-node', PORTS.naive]); }
    for (const [name, port] of servers) if (!(await waitDns(port))) throw new Error(`${name} is not answering on ${port}`);
    const scenarios = Object.entries(files);
    const results = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    for (const [, port] of servers) throughput(port, files.clusterip, 2); // warm-up (JIT)
    for (let p = 1; p <= passes; p++) {
      for (const [scenario, file] of scenarios) {
        // the order rotates every pass, so position effects (what ran just before) hit every server alike
        const order = [...servers.slice(p % servers.length), ...servers.slice(0, p % servers.length)];
        for (const [name, port] of order) {
          if (name === 'naive-node' && scenario !== 'clusterip') continue;
          const t0 = cpuTicks(pids.get(name));
          const qps = throughput(port, file, seconds);
          results.set(`${name}/${scenario}`, [...(results.get(`${name}/${scenario}`) ?? []), qps]);
          // CPU per query does not depend on how much of the core the server got (the other tenants)
          cpu.set(`${name}/${scenario}`, [...(cpu.get(`${name}/${scenario}`) ?? []), ((cpuTicks(pids.get(name)) - t0) * 10_000) / (qps * seconds)]);
          console.error(`pass ${p} ${scenario} ${name}: ${Math.round(qps)} q/s`);
        }
      }
    }
    printTable(servers.map(([n]) => n), scenarios.map(([s]) => s), results, cpu);
    const modes = process.env['RT'] === '1' && has('chrt') ? ['normal', 'rt'] : ['normal'];
    for (const mode of modes) {
      if (mode === 'rt') for (const pid of pids.values()) spawnSync('chrt', ['-a', '-f', '-p', '50', String(pid)]);
      const tools = has('dnsperf') ? (['dnsperf', 'node'] as const) : (['node'] as const);
      for (const tool of tools) {
        const lat = new Map<string, Latency[]>();
        const stalls: ServerStats[] = [];
        for (let p = 0; p < passes; p++) {
          for (const [name, port] of servers) {
            if (name === 'portico') await ask(portico, 'start');
            const cpu0 = cpuTicks(pids.get(name));
            const l = latencyAt(port, files.clusterip, 10_000, tool, mode === 'rt');
            l.cpuUsPerQuery = ((cpuTicks(pids.get(name)) - cpu0) * 10_000) / 30_000; // 100 ticks/s, 3 s at 10k q/s
            lat.set(name, [...(lat.get(name) ?? []), l]);
            if (name === 'portico') stalls.push(await ask<ServerStats>(portico, 'stats'));
          }
        }
        printLatency(`${mode === 'rt' ? 'servers at SCHED_FIFO' : 'normal priority'}, generator: ${tool === 'dnsperf' ? 'dnsperf -Q 10000 -v' : `built-in open loop${mode === 'rt' ? ' at SCHED_FIFO' : ''}`}`, passes, lat, stalls);
      }
      if (mode === 'rt') for (const pid of pids.values()) spawnSync('chrt', ['-a', '-o', '-p', '0', String(pid)]);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function printLatency(how: string, passes: number, lat: Map<string, Latency[]>, stalls: ServerStats[]): void {
  console.log(`\nlatency at 10k q/s, 3 s, ClusterIP A (${how}); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`| server | p50 ms (median of ${passes}) | p99 ms min / median / max | p99 − knot's p99, same pass, median | p99.9 ms median | lost | server CPU µs/query |\n|---|---|---|---|---|---|---|`);
  const knot = lat.get('knot') ?? [];
  for (const [name, xs] of lat) {
    const p99 = xs.map((x) => x.p99Ms);
    const diff = knot.length ? median(xs.map((x, i) => x.p99Ms - (knot[i]?.p99Ms ?? NaN))).toFixed(3) : 'n/a';
    console.log(`| ${name} | ${median(xs.map((x) => x.p50Ms)).toFixed(3)} | ${Math.min(...p99).toFixed(3)} / **${median(p99).toFixed(3)}** / ${Math.max(...p99).toFixed(3)} | ${diff} | ${median(xs.map((x) => x.p999Ms ?? NaN)).toFixed(3)} | ${xs.reduce((n, x) => n + x.lost, 0)} | ${median(xs.map((x) => x.cpuUsPerQuery ?? NaN)).toFixed(1)} |`);
  }
  if (stalls.length) {
    const f = (k: keyof ServerStats) => median(stalls.map((x) => x[k])).toFixed(2);
    console.log(`portico's own view (medians over passes): event-loop lag p50 ${f('loopP50Ms')} ms, p99 ${f('loopP99Ms')} ms, max ${f('loopMaxMs')} ms; GC ${f('gcCount')} pauses, longest ${f('gcMaxMs')} ms`);
  }
}

function printTable(servers: string[], scenarios: string[], results: Map<string, number[]>, cpu: Map<string, number[]>): void {
  console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  console.log(`generator: ${has('dnsperf') ? 'dnsperf -c1 -T1 -q100' : 'built-in, 100 in flight'}; pinned: ${PIN}\n`);
  console.log('| scenario | server | q/s min / median / max | ratio to knot (of medians) | per-pass ratio median (min–max) | CPU µs/query (median) | knot\'s CPU/query ÷ this |\n|---|---|---|---|---|---|---|');
  for (const s of scenarios) {
    const knotXs = results.get(`knot/${s}`) ?? [];
    for (const name of servers) {
      const xs = results.get(`${name}/${s}`);
      if (!xs) continue;
      const r = knotXs.length ? (median(xs) / median(knotXs)).toFixed(2) : 'n/a';
      const per = knotXs.length ? xs.map((x, i) => x / (knotXs[i] ?? NaN)) : [];
      const perText = per.length ? `${median(per).toFixed(2)} (${Math.min(...per).toFixed(2)}–${Math.max(...per).toFixed(2)})` : 'n/a';
      const c = median(cpu.get(`${name}/${s}`) ?? []);
      const knotC = median(cpu.get(`knot/${s}`) ?? []);
      console.log(`| ${s} | ${name} | ${Math.round(Math.min(...xs))} / **${Math.round(median(xs))}** / ${Math.round(Math.max(...xs))} | ${r} | ${perText} | ${c.toFixed(1)} | ${(knotC / c).toFixed(2)} |`);
    }
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === '--serve') await serve(Number(args[0]));
else if (role === '--loadgen') await loadgen(Number(args[0]), args[1] ?? '', Number(args[2]), Number(args[3]));
else if (role === '--latency') await latency(Number(args[0]), args[1] ?? '', Number(args[2]), Number(args[3]));
else await main(Number(role ?? 3), Number(args[0] ?? 5));
