// ContainerRunner keeps one container of a pod running as the kubelet would: start, restart per
// restartPolicy with the kubelet's back-off (first restart at once, then 10 s doubling to 300 s, reset
// after 10 min of running), startup/liveness/readiness probes, and a graceful stop (SIGTERM, grace,
// then SIGKILL of the process group). It reports every change through onChange and describes itself
// as a V1ContainerStatus.
import type { V1Container, V1ContainerState, V1ContainerStatus, V1Probe } from '@kubernetes/client-node';
import type { ContainerLog } from './container-log.ts';
import { spawnLocal } from './container-process.ts';
import type { ContainerProcess, ExitInfo, Spawn } from './container-process.ts';
import { ProbeLoop } from './probe.ts';
import type { ExecFn } from './probe.ts';
import { runHook } from './lifecycle-hook.ts';

export interface ContainerRunnerOptions {
  container: V1Container;
  podIP: string;
  restartPolicy: string;                    // Always | OnFailure | Never
  graceSeconds: number;                     // terminationGracePeriodSeconds
  log: ContainerLog;
  // prepare computes argv/env/cwd at each start (env sees the current Services, as a restart would).
  prepare: () => { argv: string[]; env: Record<string, string>; cwd: string };
  onChange: () => void;
  restartCount?: number;
  spawn?: Spawn;                            // default: from this process (spawnLocal)
  exec?: ExecFn;                            // exec probes and hooks; default: from this process
}

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const BACKOFF_RESET_MS = 600_000;

export class ContainerRunner {
  readonly #o: ContainerRunnerOptions;
  #proc: ContainerProcess | undefined;
  #last: ExitInfo | undefined;
  #restarts: number;
  #crashes = 0;
  #waiting: { reason: string; message?: string } = { reason: 'ContainerCreating' };
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #done = false;
  #probes: { startup?: ProbeLoop; liveness?: ProbeLoop; readiness?: ProbeLoop } = {};
  #started = false;
  #generation = 0;                          // bumps at each start; the log follower watches it
  #readinessOk = false;                     // the readiness probe's last thresholded result
  #env: Record<string, string> = {};

  constructor(o: ContainerRunnerOptions) {
    this.#o = o;
    this.#restarts = o.restartCount ?? 0;
  }

  get name(): string { return this.#o.container.name; }
  get running(): boolean { return this.#proc !== undefined; }
  get generation(): number { return this.#generation; }
  get terminatedForGood(): boolean { return this.#done; }
  get lastExit(): ExitInfo | undefined { return this.#last; }
  // ready: running, started, not stopping, and the readiness probe (if any) passing.
  get ready(): boolean {
    return this.#proc !== undefined && this.#started && !this.#stopping && (!this.#o.container.readinessProbe || this.#readinessOk);
  }

  start(): void {
    if (this.#stopping) return;
    const { argv, env, cwd } = this.#o.prepare();
    if (argv.length === 0) {
      this.#waiting = { reason: 'CreateContainerConfigError', message: 'Portico runs containers as host processes: the container needs a command' };
      this.#o.onChange();
      return;
    }
    this.#o.log.rotate();
    const proc = (this.#o.spawn ?? spawnLocal)({ argv, env, cwd, log: this.#o.log });
    this.#proc = proc;
    this.#generation++;
    this.#started = !this.#o.container.startupProbe;
    this.#readinessOk = false;
    this.#env = env;
    this.#startProbes(env);
    void proc.exited.then((exit) => this.#onExit(proc, exit));
    if (proc.pid === undefined) void proc.pidKnown.then(() => { if (this.#proc === proc) this.#o.onChange(); });
    this.#o.onChange();
  }

  // stop ends the container for good: the preStop hook, SIGTERM, then SIGKILL of its group once
  // graceSeconds (counted from the start of the hook, as the kubelet does) have passed.
  async stop(graceSeconds = this.#o.graceSeconds): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#stopProbes();
    const proc = this.#proc;
    if (!proc) { this.#done = true; return; }
    this.#o.onChange();                      // not ready any more
    const t0 = Date.now();
    const preStop = this.#o.container.lifecycle?.preStop;
    if (preStop && graceSeconds > 0) {
      const gone = new AbortController();
      void proc.exited.then(() => gone.abort());
      const target = { podIP: this.#o.podIP, container: this.#o.container, env: this.#env, ...(this.#o.exec ? { exec: this.#o.exec } : {}) };
      await runHook(preStop, target, graceSeconds * 1000, gone.signal);
    }
    await this.#kill(proc, Math.max(0, graceSeconds - (Date.now() - t0) / 1000));
  }

  async #kill(proc: ContainerProcess, graceSeconds: number): Promise<void> {
    if (graceSeconds > 0) proc.signal('SIGTERM');
    const t = setTimeout(() => proc.killGroup(), graceSeconds * 1000);
    await proc.exited;
    clearTimeout(t);
    proc.killGroup();
  }

  #onExit(proc: ContainerProcess, exit: ExitInfo): void {
    if (this.#proc !== proc) return;
    this.#proc = undefined;
    this.#last = exit;
    this.#stopProbes();
    if (exit.finishedAt.getTime() - exit.startedAt.getTime() > BACKOFF_RESET_MS) this.#crashes = 0;
    const p = this.#o.restartPolicy;
    const restart = !this.#stopping && (p === 'Always' || (p === 'OnFailure' && exit.exitCode !== 0));
    if (!restart) { this.#done = true; this.#o.onChange(); return; }
    this.#crashes++;
    const delay = this.#crashes <= 1 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.#crashes - 2));
    this.#restarts++;
    this.#waiting = { reason: delay > 0 ? 'CrashLoopBackOff' : 'ContainerCreating', ...(delay > 0 ? { message: `back-off ${delay / 1000}s restarting failed container=${this.name}` } : {}) };
    this.#timer = setTimeout(() => this.start(), delay);
    this.#o.onChange();
  }

  #startProbes(env: Record<string, string>): void {
    const c = this.#o.container;
    const target = () => ({ podIP: this.#o.podIP, container: c, env, ...(this.#o.exec ? { exec: this.#o.exec } : {}) });
    const loop = (probe: V1Probe, initial: boolean, onChange: (ok: boolean) => void) => new ProbeLoop({ probe, target, initial, onChange });
    const afterStartup = () => {
      if (c.livenessProbe) this.#probes.liveness = loop(c.livenessProbe, true, (ok) => { if (!ok) this.#restartUnhealthy(); });
      if (c.readinessProbe) this.#probes.readiness = loop(c.readinessProbe, false, (ok) => { this.#readinessOk = ok; this.#o.onChange(); });
    };
    if (c.startupProbe) {
      this.#probes.startup = loop(c.startupProbe, false, (ok) => {
        if (ok && !this.#started) { this.#started = true; this.#probes.startup?.stop(); afterStartup(); this.#o.onChange(); }
        if (!ok) this.#restartUnhealthy();
      });
    } else afterStartup();
  }

  // #restartUnhealthy kills a container whose liveness (or startup) probe failed; #onExit restarts it.
  #restartUnhealthy(): void {
    const proc = this.#proc;
    if (!proc || this.#stopping) return;
    this.#stopProbes();
    void this.#kill(proc, this.#o.graceSeconds);
  }

  #stopProbes(): void {
    for (const p of Object.values(this.#probes)) p?.stop();
    this.#probes = {};
  }

  // status is the container's V1ContainerStatus (timestamps as RFC 3339 strings, as stored).
  status(image: string): V1ContainerStatus {
    const proc = this.#proc;
    let state: V1ContainerState;
    if (proc) state = { running: { startedAt: ts(proc.startedAt) } };
    else if (this.#done && this.#last) state = { terminated: terminated(this.#last) };
    else state = { waiting: { ...this.#waiting } };
    const out: V1ContainerStatus = {
      name: this.name, image, imageID: '', ready: this.ready, started: proc !== undefined && this.#started,
      restartCount: this.#restarts, state, lastState: this.#last && !(this.#done && !proc) ? { terminated: terminated(this.#last) } : {},
    };
    if (proc?.pid) out.containerID = `portico://${proc.pid}`;
    return out;
  }
}

function terminated(e: ExitInfo): NonNullable<V1ContainerState['terminated']> {
  return {
    exitCode: e.exitCode, reason: e.exitCode === 0 ? 'Completed' : 'Error',
    startedAt: ts(e.startedAt), finishedAt: ts(e.finishedAt),
  };
}

// ts renders a time as stored JSON (RFC 3339, seconds); the client-node type says Date.
function ts(d: Date): Date {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date;
}
