// The process host helper: a small Node process that serve forks once, which spawns container processes
// on serve's behalf (LocalProcess, the same wrapper) and writes their logs. Its fd 3 is the peer of a
// pipe serve holds open: every container gets it as its own fd 3, so the parent-death guarantee is
// still about serve. The helper ignores SIGINT/SIGTERM (a Ctrl-C reaches the whole foreground group;
// serve decides) and exits when its IPC channel to serve closes.
// It also runs exec probes and hooks (execLocal), for the same reason.
// Messages: HostRequest in, HostEvent out (process-host.ts).
import { ContainerLog } from './container-log.ts';
import { LocalProcess } from './container-process.ts';
import { execLocal } from './probe.ts';
import type { HostRequest, HostEvent } from './process-host.ts';

const DEATH_FD = 3;
const procs = new Map<number, LocalProcess>();

function send(ev: HostEvent): void {
  if (process.connected) process.send?.(ev);
}

function start(m: Extract<HostRequest, { op: 'start' }>): void {
  let proc: LocalProcess;
  try {
    proc = new LocalProcess({ argv: m.argv, env: m.env, cwd: m.cwd, log: new ContainerLog(m.logDir) }, {
      deathFd: DEATH_FD, onPid: (pid) => send({ t: 'pid', id: m.id, pid }),
    });
  } catch (e) {
    const now = new Date().toISOString();
    send({ t: 'exit', id: m.id, exitCode: 128, error: (e as Error).message, startedAt: now, finishedAt: now });
    return;
  }
  procs.set(m.id, proc);
  void proc.exited.then((x) => {
    procs.delete(m.id);
    send({ t: 'exit', id: m.id, exitCode: x.exitCode, ...(x.signal ? { signal: x.signal } : {}), startedAt: x.startedAt.toISOString(), finishedAt: x.finishedAt.toISOString() });
  });
}

process.on('message', (raw) => {
  const m = raw as HostRequest;
  if (m.op === 'start') start(m);
  else if (m.op === 'signal') procs.get(m.id)?.signal(m.sig);
  else if (m.op === 'killGroup') procs.get(m.id)?.killGroup();
  else if (m.op === 'exec') void execLocal(m.argv, m.env, m.cwd, m.timeoutMs).then((ok) => send({ t: 'execDone', id: m.id, ok }));
});
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('disconnect', () => {
  for (const p of procs.values()) p.killGroup();
  process.exit(0);
});
send({ t: 'ready' });
