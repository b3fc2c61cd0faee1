// ContainerProcess is one run of a container: a host process started through a tiny /bin/sh wrapper so
// that no pod process outlives `portico serve`, even when serve dies by SIGKILL:
// - the wrapper is spawned detached (setsid), so it leads a new process group; it then `exec`s the
//   container's command, which keeps the pid and the group;
// - before that it forks one watcher subshell that reads fd 3, a pipe whose only writer is serve. When
//   serve exits for any reason the kernel closes the pipe, the read sees EOF and the watcher SIGKILLs
//   the whole group (the container and anything it started). When the container exits, its group is
//   SIGKILLed too, which reaps leftovers of that run (the watcher included).
// stdout/stderr go into the container's log (ContainerLog), line by line with timestamps.
// LocalProcess spawns from the calling process; ProcessHost (process-host.ts) spawns the same way from
// a small helper process, because fork() of a large process is slow (see process-host.ts).
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

export interface ContainerProcess {
  readonly startedAt: Date;
  readonly exited: Promise<ExitInfo>;
  readonly pid: number | undefined;     // known once started (at once for LocalProcess)
  readonly pidKnown: Promise<void>;     // settles when pid is known (or the start failed)
  signal(sig: NodeJS.Signals): void;    // to the container's main process
  killGroup(): void;                    // SIGKILL to its whole process group
}

// Spawn starts one container run.
export type Spawn = (spec: ProcessSpec) => ContainerProcess;

export const spawnLocal: Spawn = (spec) => new LocalProcess(spec);

export interface LocalProcessOptions {
  // deathFd: an inherited fd whose peer is serve, passed as the container's fd 3 (the helper's case);
  // absent, a new pipe from this process is used.
  deathFd?: number;
  // onPid is called once the pid is known (synchronously, from the constructor).
  onPid?: (pid: number) => void;
}

export class LocalProcess implements ContainerProcess {
  readonly startedAt = new Date();
  readonly exited: Promise<ExitInfo>;
  readonly pidKnown = Promise.resolve();
  readonly #child: ChildProcess;

  constructor(spec: ProcessSpec, o: LocalProcessOptions = {}) {
    if (spec.argv.length === 0) throw new TypeError('ContainerProcess: empty command');
    this.#child = spawn('/bin/sh', ['-c', WRAPPER, 'portico-pod', ...spec.argv], {
      cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe', o.deathFd ?? 'pipe'],
    });
    const child = this.#child;
    if (child.pid) o.onPid?.(child.pid);
    child.stdout?.on('data', (d: Buffer) => spec.log.write('stdout', d));
    child.stderr?.on('data', (d: Buffer) => spec.log.write('stderr', d));
    this.exited = new Promise<ExitInfo>((resolve) => {
      let done = false;
      const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        spec.log.flush();
        this.killGroup();                 // reaps what the container left behind, and the watcher
        child.stdio[3]?.destroy();
        const n = sig ? (constants.signals[sig] ?? 9) : 0;
        resolve({ exitCode: sig ? 128 + n : (code ?? 1), signal: sig ?? undefined, startedAt: this.startedAt, finishedAt: new Date() });
      };
      child.once('error', (e) => { spec.log.write('stderr', Buffer.from(`portico: cannot start: ${e.message}\n`)); finish(128, null); });
      // 'exit', not 'close': the watcher holds stdout/stderr until its group is killed.
      child.once('exit', (code, sig) => setImmediate(() => finish(code, sig)));
    });
  }

  get pid(): number | undefined { return this.#child.pid; }

  signal(sig: NodeJS.Signals): void {
    try { if (this.#child.pid) process.kill(this.#child.pid, sig); } catch { /* already gone */ }
  }

  killGroup(): void {
    try { if (this.#child.pid) process.kill(-this.#child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
