// ProcessHost spawns container processes from a small helper process (process-host-main.ts) instead of
// from serve. The reason is fork(): libuv forks the calling process and waits for the child's exec, and
// the fork copies the page tables of the whole process, so its cost grows with serve's RSS (~200 MiB
// with the API server and informers: ~80 ms per spawn on a loaded 2-core machine, against ~20 ms from a
// ~45 MiB helper), and it blocks serve's event loop meanwhile. With the helper, 200 pods start in a
// fraction of the time and serve keeps answering requests. The parent-death guarantee is unchanged:
// the helper hands every container serve's pipe as fd 3 (see container-process.ts).
// If the helper dies, its containers are killed (their groups, from here) and reported as exited; the
// next start forks a new helper.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ContainerProcess, ExitInfo, ProcessSpec, Spawn } from './container-process.ts';
import type { ExecFn } from './probe.ts';

export type HostRequest =
  | { op: 'start'; id: number; argv: string[]; env: Record<string, string>; cwd: string; logDir: string }
  | { op: 'signal'; id: number; sig: NodeJS.Signals }
  | { op: 'killGroup'; id: number }
  | { op: 'exec'; id: number; argv: string[]; env: Record<string, string>; cwd: string; timeoutMs: number };

export type HostEvent =
  | { t: 'ready' }
  | { t: 'pid'; id: number; pid: number }
  | { t: 'exit'; id: number; exitCode: number; signal?: string; error?: string; startedAt: string; finishedAt: string }
  | { t: 'execDone'; id: number; ok: boolean };

const MAIN = join(import.meta.dirname, 'process-host-main.ts');

export class ProcessHost {
  readonly #procs = new Map<number, HostProcess>();
  readonly #execs = new Map<number, (ok: boolean) => void>();
  readonly #onError: (err: unknown) => void;
  #child: ChildProcess | undefined;
  #nextId = 1;
  #closed = false;

  constructor(o: { onError?: (err: unknown) => void } = {}) {
    this.#onError = o.onError ?? (() => undefined);
  }

  readonly spawn: Spawn = (spec: ProcessSpec): ContainerProcess => {
    if (spec.argv.length === 0) throw new TypeError('ContainerProcess: empty command');
    const id = this.#nextId++;
    const proc = new HostProcess(id, (m) => this.#send(m));
    if (this.#closed) { proc.exit({ exitCode: 137, signal: 'SIGKILL', startedAt: new Date(), finishedAt: new Date() }); return proc; }
    this.#procs.set(id, proc);
    this.#send({ op: 'start', id, argv: spec.argv, env: spec.env, cwd: spec.cwd, logDir: spec.log.dir });
    return proc;
  };

  // exec runs an exec probe or hook in the helper (a failed helper counts as a failed probe).
  readonly exec: ExecFn = (argv, env, cwd, timeoutMs) => new Promise<boolean>((resolve) => {
    if (this.#closed) { resolve(false); return; }
    const id = this.#nextId++;
    this.#execs.set(id, resolve);
    this.#send({ op: 'exec', id, argv, env, cwd, timeoutMs });
  });

  // close ends the helper (after the node agent stopped every container).
  async close(): Promise<void> {
    this.#closed = true;
    const c = this.#child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.disconnect();
    await gone;
  }

  #send(m: HostRequest): void {
    const c = this.#child ?? this.#fork();
    c.send(m, (err) => { if (err) this.#onError(err); });
  }

  #fork(): ChildProcess {
    // fd 3 is the parent-death pipe (its only writer is serve); fd 4 the IPC channel.
    const c = fork(MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'ipc'], detached: true, execArgv: [], serialization: 'json' });
    this.#child = c;
    c.on('message', (raw) => this.#onEvent(raw as HostEvent));
    c.on('error', (e) => this.#onError(e));
    c.once('exit', (code, sig) => {
      this.#child = undefined;
      if (this.#procs.size > 0 && !this.#closed) this.#onError(new Error(`process host exited (code ${code}, signal ${sig}) with ${this.#procs.size} containers`));
      for (const p of this.#procs.values()) {
        p.killGroup();
        p.exit({ exitCode: 137, signal: 'SIGKILL', startedAt: p.startedAt, finishedAt: new Date() });
      }
      this.#procs.clear();
      for (const done of this.#execs.values()) done(false);
      this.#execs.clear();
    });
    return c;
  }

  #onEvent(ev: HostEvent): void {
    if (ev.t === 'ready') return;
    if (ev.t === 'execDone') { this.#execs.get(ev.id)?.(ev.ok); this.#execs.delete(ev.id); return; }
    const p = this.#procs.get(ev.id);
    if (!p) return;
    if (ev.t === 'pid') { p.setPid(ev.pid); return; }
    this.#procs.delete(ev.id);
    p.exit({ exitCode: ev.exitCode, signal: ev.signal, startedAt: new Date(ev.startedAt), finishedAt: new Date(ev.finishedAt) });
  }
}

class HostProcess implements ContainerProcess {
  readonly startedAt = new Date();
  readonly exited: Promise<ExitInfo>;
  readonly pidKnown: Promise<void>;
  readonly #id: number;
  readonly #send: (m: HostRequest) => void;
  #pid: number | undefined;
  #resolve: (x: ExitInfo) => void = () => undefined;
  #pidResolve: () => void = () => undefined;
  #done = false;

  constructor(id: number, send: (m: HostRequest) => void) {
    this.#id = id;
    this.#send = send;
    this.exited = new Promise((r) => { this.#resolve = r; });
    this.pidKnown = new Promise((r) => { this.#pidResolve = r; });
  }

  get pid(): number | undefined { return this.#pid; }
  setPid(pid: number): void { this.#pid = pid; this.#pidResolve(); }

  exit(x: ExitInfo): void {
    if (this.#done) return;
    this.#done = true;
    this.#pidResolve();
    this.#resolve(x);
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.#done) this.#send({ op: 'signal', id: this.#id, sig });
  }

  // killGroup goes straight to the kernel when the pid is known, so it works even without the helper.
  killGroup(): void {
    if (this.#done) return;
    if (this.#pid) { try { process.kill(-this.#pid, 'SIGKILL'); } catch { /* already gone */ } return; }
    this.#send({ op: 'killGroup', id: this.#id });
  }
}
