// peers-lib: what the side-by-side benches (l4.ts, ingress.ts) share, after ../shared/bench/peers.sh: pin a
// process to a core with taskset (PIN=0: no pinning), run a tool there and collect its output, find a peer's
// binary, read the CPU time a target and its children used, take medians.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const pinned = process.env['PIN'] !== '0' && existsSync('/usr/bin/taskset');

function cmdOn(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return pinned ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

// start runs cmd on cpu in the background (stdout dropped, stderr shown).
export function start(cpu: number, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const [c, a] = cmdOn(cpu, cmd, args);
  return spawn(c, a, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
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
