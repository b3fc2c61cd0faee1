// bench/ingress.ts — side-by-side L7 benchmark on loopback, in one run: direct to the origin, Portico's
// ingress data plane, nginx as a reverse proxy with upstream keepalive, HAProxy in http mode — each with
// 1 routing rule and with 5,000 rules. Same recipe as ../shared/bench/peers.sh: every proxy pinned to
// cpu0, the origin (nginx "ok") and the load (wrk, the latency client) on cpu1. The target measured is
// alone on cpu0: the other proxies are stopped (SIGSTOP) meanwhile, so none of them takes the core from it
// (an idle Node process runs a memory-reducing GC of its heap a few seconds after its traffic stops; a
// 5,000-rule one took ~18 ms of cpu0 in the middle of other targets' passes). Passes are interleaved; it
// prints medians (min–max) and the ratios Portico/nginx, Portico/HAProxy, 5000/1.
//
//   rps      wrk -t2 -c50 -d<secs> keep-alive GET (Host: bench.example, path /app/x/y)
//   latency  p50/p99 at half of nginx's median req/s (1-rule): wrk paced by a Lua delay() over 50 keep-alive
//            connections, after 3 s of the same load not measured; "added" = target p99 - direct p99
//   CPU µs/req  the target's user+system CPU per request during the wrk runs (robust on a shared machine)
//
// Portico runs the real compile → Router → IngressHandler → IngressServer path over an in-memory
// ClusterView (no API server: this measures the data plane).
// Usage: node bench/ingress.ts [passes=3] [seconds=5]   env: PIN=0, PROFILE=dir (--cpu-prof), TARGETS=portico,nginx,
//   NODE_ARGS='--flag …' (Node flags for the Portico processes; default: the ones `portico serve` runs with),
//   RATE=n (the latency test's req/s instead of half nginx's median), LOOP_STATS=1 (each Portico process prints its event-loop delay and GC pauses every 2 s)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveNodeFlags } from '../src/cli/serve-flags.ts';
import { cpuTicks, freeze, pacedWrk, pinned, run, start, thaw, which } from './peers-lib.ts';

const SELF = fileURLToPath(import.meta.url);
const NODE = process.execPath;
const ORIGIN = 23080;
const PORT = { portico1: 23101, portico5k: 23102, nginx1: 23201, nginx5k: 23202, haproxy1: 23301, haproxy5k: 23302 };
const HOST = 'bench.example';
const PATH = '/app/x/y';
const RULES = 5000;
// WARM_SECS of the paced load go before each latency pass, not measured: a proxy just thawed catches up on
// what its timers missed while frozen (a Node process: V8's memory reducer marks the whole heap, then a
// final pause, up to 18 ms for the 5,000-rule one, that ran into the pass after a 1 s warm-up).
const WARM_SECS = 3;
// SERVE_NODE_ARGS are the V8 flags bin/portico.js gives `portico serve` (its re-exec).
const SERVE_NODE_ARGS = serveNodeFlags([]).join(' ');
const role = process.argv[2];

// ruleSet is the 5,000-rule configuration every proxy gets: 2,500 other hosts with one path each, and
// 2,499 other Prefix paths on the benchmarked host, plus the rule the requests match (/app).
function ruleSet(n: number): { hosts: string[]; paths: string[] } {
  if (n <= 1) return { hosts: [], paths: [] };
  const hosts = Array.from({ length: Math.floor(n / 2) }, (_, i) => `h${i}.example`);
  const paths = Array.from({ length: n - hosts.length - 1 }, (_, i) => `/api/v${i}`);
  return { hosts, paths };
}

async function portico(port: number, rules: number): Promise<void> {
  const { compile } = await import('../src/ingress/provider/compile.ts');
  const { Backends } = await import('../src/ingress/provider/backends.ts');
  const { Certificates } = await import('../src/ingress/provider/certificates.ts');
  const { EndpointRegistry } = await import('../src/ingress/upstream/upstream.ts');
  const { parseAnnotations } = await import('../src/ingress/annotations/index.ts');
  const { buildMiddlewares } = await import('../src/ingress/middlewares/index.ts');
  const { IngressHandler } = await import('../src/ingress/handler.ts');
  const { IngressServer } = await import('../src/ingress/server.ts');
  const { Pools } = await import('../src/ingress/upstream/pools.ts');
  const { defaultCertificate } = await import('../src/ingress/tls/default-certificate.ts');
  const svc = { metadata: { name: 'origin', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
  const slice = { metadata: { name: 'origin-1', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: '', port: ORIGIN }] };
  const view = { service: () => svc, slices: () => [slice], secret: () => undefined, configMap: () => undefined };
  const { hosts, paths } = ruleSet(rules);
  const backend = { service: { name: 'origin', port: { number: 80 } } };
  const rulesOf = [
    { host: HOST, http: { paths: [{ path: '/app', pathType: 'Prefix', backend }, ...paths.map((p) => ({ path: p, pathType: 'Prefix', backend }))] } },
    ...hosts.map((h) => ({ host: h, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })),
  ];
  const ing = { metadata: { name: 'bench', namespace: 'default', uid: 'u1', creationTimestamp: new Date(0) }, spec: { rules: rulesOf } };
  const t0 = performance.now();
  const compiled = compile([ing as never], {
    view: view as never, backends: new Backends(view as never, new EndpointRegistry()), certificates: new Certificates(),
    annotations: () => parseAnnotations({}, { namespace: 'default', configMap: () => undefined }), middlewares: (_i: unknown, cfg: never) => buildMiddlewares(cfg, { now: Date.now }),
  }, 1);
  process.stderr.write(`portico: compiled ${rules} rules in ${(performance.now() - t0).toFixed(1)} ms\n`);
  const handler = new IngressHandler({ table: { ...compiled.table, tcp: [], udp: [] }, pools: new Pools() });
  // The parent's temporary directory holds the default certificate; the parent removes it.
  const dir = process.env['BENCH_DIR'] ?? mkdtempSync(join(tmpdir(), 'portico-ingress-bench-'));
  const server = new IngressServer({ handler, http: { host: '127.0.0.1', port }, https: { host: '127.0.0.1', port: 0 }, defaultCertificate: defaultCertificate(dir) });
  await server.listen();
  process.on('SIGTERM', () => process.exit(0));
  if (process.env['LOOP_STATS']) loopStats(`portico${rules}`);
}

// clock: seconds of the minute, to line up LOOP_STATS lines of the processes with the passes
function clock(): string { return (Date.now() / 1000 % 60).toFixed(1).padStart(4); }

// loopStats (LOOP_STATS=1) prints, every 2 s of traffic, the event-loop delay and the GC pauses of this
// Portico process to stderr: what a latency tail is made of.
async function loopStats(name: string): Promise<void> {
  const { monitorEventLoopDelay, PerformanceObserver } = await import('node:perf_hooks');
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let gcN = 0, gcMax = 0, gcSum = 0;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) { gcN++; gcSum += e.duration; gcMax = Math.max(gcMax, e.duration); } }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    if (gcN > 0) console.error(`${clock()} ${name}: loop delay p99 ${(h.percentile(99) / 1e6).toFixed(2)} max ${(h.max / 1e6).toFixed(2)} ms; gc ${gcN} pauses, sum ${gcSum.toFixed(1)} max ${gcMax.toFixed(2)} ms`);
    h.reset(); gcN = 0; gcMax = 0; gcSum = 0;
  }, 2000).unref();
}

function nginxConf(dir: string, port: number, rules: number, name: string): string {
  const { hosts, paths } = ruleSet(rules);
  const loc = (p: string) => `    location ${p} { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Real-IP $remote_addr; proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme; }\n`;
  return `worker_processes 1;\npid ${dir}/${name}.pid;\nerror_log ${dir}/${name}.err warn;\nevents { worker_connections 16384; }\n` +
    `http { access_log off; keepalive_requests 1000000; server_names_hash_max_size 16384; server_names_hash_bucket_size 128;\n` +
    `  client_body_temp_path ${dir}/${name}-cb; proxy_temp_path ${dir}/${name}-p; fastcgi_temp_path ${dir}/${name}-f; uwsgi_temp_path ${dir}/${name}-u; scgi_temp_path ${dir}/${name}-s;\n` +
    `  upstream origin { server 127.0.0.1:${ORIGIN}; keepalive 64; keepalive_requests 1000000; }\n` +
    `  server { listen 127.0.0.1:${port} backlog=4096; server_name ${HOST};\n${loc('/app')}${paths.map(loc).join('')}  }\n` +
    hosts.map((h) => `  server { listen 127.0.0.1:${port}; server_name ${h};\n${loc('/')}  }\n`).join('') + '}\n';
}

function haproxyConf(dir: string, rules: number): string {
  const { hosts, paths } = ruleSet(rules);
  writeFileSync(join(dir, 'hosts.map'), hosts.map((h) => `${h} be_origin\n`).join('') + `${HOST} be_origin\n`);
  writeFileSync(join(dir, 'paths.map'), paths.map((p) => `${p} be_origin\n`).join('') + '/app be_origin\n');
  const one = `frontend f1\n  bind 127.0.0.1:${PORT.haproxy1}\n  use_backend be_origin if { hdr(host) -i ${HOST} } { path_beg /app }\n  default_backend be_404\n`;
  const many = `frontend f5k\n  bind 127.0.0.1:${PORT.haproxy5k}\n  http-request set-var(txn.be) req.hdr(host),lower,map_str(${dir}/hosts.map)\n` +
    `  use_backend be_origin if { var(txn.be) -m found } { path,map_beg(${dir}/paths.map) -m found }\n  default_backend be_404\n`;
  return `global\n  nbthread 1\n  maxconn 4000\ndefaults\n  mode http\n  option http-keep-alive\n  option forwardfor\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n  http-reuse always\n` +
    one + many + `backend be_origin\n  server o1 127.0.0.1:${ORIGIN}\nbackend be_404\n  http-request return status 404\n`;
}


interface Target { name: string; port: number; procs: ChildProcess[] }


function wrk(t: Target, secs: number): number {
  const out = run(1, 'wrk', ['-t2', '-c50', `-d${secs}s`, '-H', `Host: ${HOST}`, `http://127.0.0.1:${t.port}${PATH}`]);
  const errs = /Socket errors: (.*)/.exec(out)?.[1] ?? '';
  if (errs || /Non-2xx/.test(out)) console.error(`  ${t.name}: ${errs} ${/Non-2xx.*/.exec(out)?.[0] ?? ''}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
}
// lat measures p50/p99 at `rate` req/s (see pacedWrk): 2 threads, 50 keep-alive connections.
function lat(t: Target, rate: number, secs: number, dir: string): { p50: number; p99: number; rps: number } {
  return pacedWrk(1, { rate, secs, threads: 2, conns: 50, url: `http://127.0.0.1:${t.port}${PATH}`, headers: [`Host: ${HOST}`], dir });
}
// listening: something accepts connections on 127.0.0.1:port
function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((r) => { const s = connect(port, '127.0.0.1'); s.on('connect', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} not listening`);
}
const median = (v: number[]) => { const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] ?? NaN : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2) : NaN; };

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 3), secs = Number(process.argv[3] ?? 5);
  const want = (n: string) => !process.env['TARGETS'] || process.env['TARGETS'].split(',').includes(n);
  const nginx = which('nginx');
  if (!which('wrk') || !nginx) throw new Error('bench/ingress.ts needs wrk and nginx');
  // a process left from an earlier run would be measured instead (haproxy even shares a port: SO_REUSEPORT)
  for (const port of [ORIGIN, ...Object.values(PORT)]) if (await listening(port)) throw new Error(`port ${port} is taken: a process left from an earlier run? (ss -ltnp)`);
  const dir = mkdtempSync(join(tmpdir(), 'portico-ingress-bench-'));
  const procs: ChildProcess[] = [];
  try {
    writeFileSync(join(dir, 'origin.conf'), `worker_processes 1;\npid ${dir}/origin.pid;\nerror_log ${dir}/origin.err warn;\nevents { worker_connections 16384; }\n` +
      `http { access_log off; keepalive_requests 1000000;\n  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;\n` +
      `  server { listen 127.0.0.1:${ORIGIN} backlog=4096; location / { return 200 "ok"; } } }\n`);
    const origin = start(1, nginx, ['-p', dir, '-c', join(dir, 'origin.conf'), '-g', 'daemon off;', '-e', join(dir, 'origin.start.err')]);
    procs.push(origin);
    const targets: Target[] = [{ name: 'direct', port: ORIGIN, procs: [origin] }];
    const prof = process.env['PROFILE'];
    for (const [name, port, rules] of [['portico1', PORT.portico1, 1], ['portico5k', PORT.portico5k, RULES]] as const) {
      if (!want('portico')) continue;
      const nodeArgs = (process.env['NODE_ARGS'] ?? SERVE_NODE_ARGS).split(' ').filter(Boolean);
      const p = start(0, NODE, [...nodeArgs, ...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), SELF, 'portico', String(port), String(rules)], { BENCH_DIR: dir }, true);
      procs.push(p);
      targets.push({ name, port, procs: [p] });
    }
    if (want('nginx')) {
      for (const [name, port, rules] of [['nginx1', PORT.nginx1, 1], ['nginx5k', PORT.nginx5k, RULES]] as const) {
        writeFileSync(join(dir, `${name}.conf`), nginxConf(dir, port, rules, name));
        const p = start(0, nginx, ['-p', dir, '-c', join(dir, `${name}.conf`), '-g', 'daemon off;', '-e', join(dir, `${name}.start.err`)], undefined, true);
        procs.push(p);
        targets.push({ name, port, procs: [p] });
      }
    }
    const haproxy = which('haproxy');
    if (haproxy && want('haproxy')) {
      writeFileSync(join(dir, 'haproxy.cfg'), haproxyConf(dir, RULES));
      const p = start(0, haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')], undefined, true);
      procs.push(p);
      targets.push({ name: 'haproxy1', port: PORT.haproxy1, procs: [p] }, { name: 'haproxy5k', port: PORT.haproxy5k, procs: [p] });
    }
    for (const t of targets) await waitPort(t.port);
    // alone leaves t the only proxy running on cpu0 (the origin, on cpu1, always runs)
    const proxies = procs.filter((p) => p !== origin);
    const alone = (t: Target) => { for (const p of proxies) if (!t.procs.includes(p)) freeze(p); for (const p of t.procs) thaw(p); };
    // the proxies lead process groups of their own: a ^C or kill of the bench does not reach them
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { for (const p of procs) { thaw(p); p.kill('SIGTERM'); } process.exit(130); });
    for (const t of targets) { alone(t); wrk(t, 2); }   // warm-up (V8 compiles the hot path)
    const rps = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    for (let pass = 1; pass <= passes; pass++) {
      const line: string[] = [];
      for (const t of targets) {
        alone(t);
        await new Promise((r) => setTimeout(r, 300));
        const c0 = cpuTicks(t.procs);
        const v = wrk(t, secs);
        const us = ((cpuTicks(t.procs) - c0) * 10_000) / (v * secs);
        rps.set(t.name, [...(rps.get(t.name) ?? []), v]);
        cpu.set(t.name, [...(cpu.get(t.name) ?? []), us]);
        line.push(`${t.name}=${v.toFixed(0)}`);
      }
      console.log(`pass ${pass}/${passes} (load ${(await import('node:os')).loadavg()[0]?.toFixed(2)}): ${line.join(' ')}`);
    }
    const ngx = median(rps.get('nginx1') ?? []);
    const rate = Number(process.env['RATE'] ?? 0) || Math.round((Number.isNaN(ngx) ? 20_000 : ngx) / 2);
    const lats = new Map<string, { p50: number[]; p99: number[]; rps: number[] }>();
    for (let pass = 1; pass <= passes; pass++) {
      const line: string[] = [];
      for (const t of targets) {
        alone(t);
        await new Promise((r) => setTimeout(r, 300));
        // WARM_SECS of the same paced load first, not measured (every target alike): the pass measures the
        // steady state, as a proxy under constant traffic sees it. Without it, the first seconds after the
        // other targets ran are a Node process resuming from idle (V8 has shrunk the young generation and
        // may be finishing a memory-reducing GC): Portico's first pass was 7-37 ms in some runs.
        if (process.env['LOOP_STATS']) console.error(`${clock()} latency ${t.name}`);
        const w = lat(t, rate, WARM_SECS, dir);
        const l = lat(t, rate, Math.min(secs, 5), dir);
        const e = lats.get(t.name) ?? { p50: [], p99: [], rps: [] };
        e.p50.push(l.p50); e.p99.push(l.p99); e.rps.push(l.rps);
        lats.set(t.name, e);
        line.push(`${t.name}=${l.p99.toFixed(2)} (${w.p99.toFixed(2)})`);
      }
      console.log(`latency pass ${pass}/${passes} at ${rate} req/s, p99 ms (of the warm-up before): ${line.join(' ')}`);
    }
    const paced = [...lats.values()].flatMap((e) => e.rps);
    console.log(`\npasses=${passes} seconds=${secs} pinned=${pinned} (proxies on cpu0; origin + load on cpu1); latency at ${rate} req/s asked (half nginx's 1-rule median), ${median(paced).toFixed(0)} req/s carried (median)`);
    console.log('target       req/s median (min–max)     p50 ms   p99 ms   added p99 ms   CPU µs/req');
    const dp99 = median(lats.get('direct')?.p99 ?? []);
    for (const t of targets) {
      const v = [...(rps.get(t.name) ?? [])].sort((a, b) => a - b);
      const l = lats.get(t.name);
      const p99 = median(l?.p99 ?? []);
      console.log(`${t.name.padEnd(11)} ${median(v).toFixed(0).padStart(7)} (${v[0]?.toFixed(0)}–${v[v.length - 1]?.toFixed(0)})`.padEnd(38) +
        `${median(l?.p50 ?? []).toFixed(2).padStart(7)}  ${p99.toFixed(2).padStart(7)}  ${(t.name === 'direct' ? '' : (p99 - dp99).toFixed(2)).padStart(8)}   ${median(cpu.get(t.name) ?? []).toFixed(1).padStart(8)}`);
    }
    const m = (n: string) => median(rps.get(n) ?? []);
    const c = (n: string) => median(cpu.get(n) ?? []);
    console.log(`CPU per request (lower is better): nginx1/portico1=${(c('nginx1') / c('portico1')).toFixed(2)} haproxy1/portico1=${(c('haproxy1') / c('portico1')).toFixed(2)} portico5k/portico1=${(c('portico5k') / c('portico1')).toFixed(2)}`);
    // Ratios of medians, and the median of the per-pass ratios: two targets measured back to back in one
    // pass share the machine's state, so the latter shrugs off a neighbour's burst that hit one pass.
    const pr = (a: string, b: string) => { const x = rps.get(a) ?? [], y = rps.get(b) ?? []; return median(x.map((v, i) => v / (y[i] ?? NaN))).toFixed(2); };
    console.log(`\nratios: portico1/nginx1=${(m('portico1') / m('nginx1')).toFixed(2)} portico1/haproxy1=${(m('portico1') / m('haproxy1')).toFixed(2)} ` +
      `portico5k/portico1=${(m('portico5k') / m('portico1')).toFixed(2)} nginx5k/nginx1=${(m('nginx5k') / m('nginx1')).toFixed(2)} haproxy5k/haproxy1=${(m('haproxy5k') / m('haproxy1')).toFixed(2)}`);
    console.log(`per-pass ratios (median): portico1/nginx1=${pr('portico1', 'nginx1')} portico5k/portico1=${pr('portico5k', 'portico1')} nginx5k/nginx1=${pr('nginx5k', 'nginx1')} haproxy5k/haproxy1=${pr('haproxy5k', 'haproxy1')}`);
  } finally {
    for (const p of procs) { thaw(p); p.kill('SIGTERM'); }
    await new Promise((r) => setTimeout(r, 500));
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (role === 'portico') await portico(Number(process.argv[3]), Number(process.argv[4]));
else await main();
