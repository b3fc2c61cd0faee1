// peers-lib: what the side-by-side benches (l4.ts, ingress.ts) share, after ../shared/bench/peers.sh: pin a
// process to a core with taskset (PIN=0: no pinning), run a tool there and collect its output, find a peer's
// binary, read the CPU time a target and its children used, take medians.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const pinned = process.env['PIN'] !== '0' && existsSync('/usr/bin/taskset');

function cmdOn(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return pinned ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

// start runs cmd on cpu in the background (stdout dropped, stderr shown). With group, it leads a process
// group of its own (its workers included), which freeze/thaw stop and resume as one.
export function start(cpu: number, cmd: string, args: string[], env?: NodeJS.ProcessEnv, group = false): ChildProcess {
  const [c, a] = cmdOn(cpu, cmd, args);
  return spawn(c, a, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env }, detached: group });
}

// freeze stops (SIGSTOP) the process group a `start(…, group)` process leads; thaw resumes it. A frozen
// proxy takes no CPU at all (no timers, no idle-time GC), so a benchmark can leave the target it measures
// alone on its core.
export function freeze(p: ChildProcess): void { signalGroup(p, 'SIGSTOP'); }
export function thaw(p: ChildProcess): void { signalGroup(p, 'SIGCONT'); }
function signalGroup(p: ChildProcess, sig: NodeJS.Signals): void {
  try { if (p.pid && p.exitCode === null) process.kill(-p.pid, sig); } catch { /* gone */ }
}

// run runs cmd on cpu to its end (at most 2 minutes) and returns its stdout and stderr.
export function run(cpu: number, cmd: string, args: string[]): string {
  const [c, a] = cmdOn(cpu, cmd, args);
  const r = spawnSync(c, a, { encoding: 'utf8', timeout: 120_000 });
  return (r.stdout ?? '') + (r.stderr ?? '');
}

// which finds a Debian package's binary.
export function which(bin: string): string | undefined {
  return ['/usr/sbin/', '/usr/bin/', '/usr/local/sbin/', '/usr/local/bin/'].map((d) => d + bin).find((p) => existsSync(p));
}

// cpuTicks sums user+system time (clock ticks, 1/100 s) of processes and their children (nginx workers):
// CPU per operation does not depend on how much of the core the shared machine left a target; its rate does.
export function cpuTicks(procs: ChildProcess[]): number {
  const one = (pid: number): number => {
    let t = 0;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      t += Number(f[11]) + Number(f[12]);
      for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) if (c) t += one(Number(c));
    } catch { /* gone */ }
    return t;
  };
  return procs.reduce((sum, p) => sum + (p.pid ? one(p.pid) : 0), 0);
}

// pacedWrk measures p50/p99 (ms) at a fixed `rate` req/s: wrk on cpu with `threads` threads over `conns`
// keep-alive connections, each request sent at the next free slot of its thread's schedule (a Lua delay()
// on LuaJIT's clock; wrk rounds delays to whole ms, so requests leave in 1 ms bunches, and a late response
// never makes later ones burst). The load is fixed and under every target's peak, and wrk's --latency
// percentiles are the time a request takes at that load. A generator in Node would measure its own timers.
export function pacedWrk(cpu: number, o: { rate: number; secs: number; threads: number; conns: number; url: string; headers?: string[]; dir: string }): { p50: number; p99: number; rps: number } {
  const script = join(o.dir, 'pace.lua');
  writeFileSync(script, [
    'local ffi = require("ffi")',
    'ffi.cdef[[ typedef struct { long s; long ns; } pace_ts; int clock_gettime(int, pace_ts *); ]]',
    'local ts = ffi.new("pace_ts")',
    'local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.s) * 1000 + tonumber(ts.ns) / 1e6 end',
    `local interval = ${(1_000 * o.threads / o.rate).toFixed(6)}  -- ms between two requests of one thread`,
    'local slot = 0',
    'function delay()',
    '  local t = now()',
    '  if slot < t then slot = t end',
    '  local d = slot - t',
    '  slot = slot + interval',
    '  return d',
    'end',
  ].join('\n') + '\n');
  const out = run(cpu, 'wrk', [`-t${o.threads}`, `-c${o.conns}`, `-d${o.secs}s`, '--latency', '-s', script, ...(o.headers ?? []).flatMap((h) => ['-H', h]), o.url]);
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  if (Number.isNaN(pct('99'))) console.error(out);
  return { p50: pct('50'), p99: pct('99'), rps };
}
