// ContainerProcess is one run of a container: a host process started through a tiny /bin/sh wrapper so
// that no pod process outlives `portico serve`, even when serve dies by SIGKILL:
// - the wrapper is spawned detached (setsid), so it leads a new process group; it then `exec`s the
//   container's command, which keeps the pid and the group;
// - before that it forks one watcher subshell that reads fd 3, a pipe whose only writer is serve. When
//   serve exits for any reason the kernel closes the pipe, the read sees EOF and the watcher SIGKILLs
//   the whole group (the container and anything it started). Serve closes the pipe itself when the
//   container exits, which reaps leftovers of that run the same way.
// stdout/stderr go through serve into the container's log (ContainerLog), line by line with timestamps.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { ContainerLog } from './container-log.ts';

const WRAPPER = 'pg=$$; ( while read -r _ <&3; do :; done; kill -s KILL -- "-$pg" ) & exec 3<&-; exec "$@"';

export interface ProcessSpec {
  argv: string[];                       // command + args, already expanded
  env: Record<string, string>;
  cwd: string;
  log: ContainerLog;
}

export interface ExitInfo {
  exitCode: number;                     // 128+n for a signal, as a container runtime reports it
  signal: string | undefined;
  startedAt: Date;
  finishedAt: Date;
}

export class ContainerProcess {
  readonly startedAt = new Date();
  readonly exited: Promise<ExitInfo>;
  readonly #child: ChildProcess;

  constructor(spec: ProcessSpec) {
    if (spec.argv.length === 0) throw new TypeError('ContainerProcess: empty command');
    this.#child = spawn('/bin/sh', ['-c', WRAPPER, 'portico-pod', ...spec.argv], {
      cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const child = this.#child;
    child.stdout?.on('data', (d: Buffer) => spec.log.write('stdout', d));
    child.stderr?.on('data', (d: Buffer) => spec.log.write('stderr', d));
    this.exited = new Promise<ExitInfo>((resolve) => {
      let done = false;
      const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        spec.log.flush();
        child.stdio[3]?.destroy();       // lets the watcher reap what the container left behind
        const n = sig ? (constants.signals[sig] ?? 9) : 0;
        resolve({ exitCode: sig ? 128 + n : (code ?? 1), signal: sig ?? undefined, startedAt: this.startedAt, finishedAt: new Date() });
      };
      child.once('error', (e) => { spec.log.write('stderr', Buffer.from(`portico: cannot start: ${e.message}\n`)); finish(128, null); });
      // 'exit', not 'close': the watcher keeps fd 3 open until we close it, so 'close' would never come.
      child.once('exit', (code, sig) => setImmediate(() => finish(code, sig)));
    });
  }

  get pid(): number | undefined { return this.#child.pid; }

  // signal sends sig to the container's main process (SIGTERM on graceful stop, as a runtime does).
  signal(sig: NodeJS.Signals): void {
    try { if (this.#child.pid) process.kill(this.#child.pid, sig); } catch { /* already gone */ }
  }

  // killGroup SIGKILLs the container's whole process group.
  killGroup(): void {
    try { if (this.#child.pid) process.kill(-this.#child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
