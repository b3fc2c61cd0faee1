// PodWorker runs one pod on this node: its IP (from the pool, or the node's for hostNetwork), one
// ContainerRunner per container, the hostPort forwarders and the per-container logs under
// <dataDir>/pods/<namespace>_<name>_<uid>/<container>/. Its status() is what the agent writes to
// /status; terminate() stops everything (graceful) and is idempotent.
import type { V1Container, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { ContainerLog } from './container-log.ts';
import { ContainerRunner } from './container-runner.ts';
import { containerArgv } from './container-env.ts';
import { openHostPort } from './host-port.ts';
import type { HostPortForwarder } from './host-port.ts';
import { podStatus } from './pod-status.ts';
import type { Spawn } from './container-process.ts';
import type { ExecFn } from './probe.ts';

export interface PodWorkerOptions {
  pod: V1Pod;
  podIP: string;
  hostIP: string;
  podsDir: string;                        // <dataDir>/pods
  env: (pod: V1Pod, c: V1Container, podIP: string) => Record<string, string>;
  // resolvConf is the pod's resolv.conf text (written to <pod dir>/resolv.conf, named by PORTICO_RESOLV_CONF).
  resolvConf?: (pod: V1Pod) => string;
  spawn?: Spawn;                          // how container processes start (default: from this process)
  exec?: ExecFn;                          // how exec probes and hooks run (default: from this process)
  onChange: () => void;
  onError: (err: unknown) => void;
}

export class PodWorker {
  readonly podIP: string;
  readonly dir: string;
  readonly #o: PodWorkerOptions;
  readonly #runners: ContainerRunner[];
  readonly #startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  #forwarders: HostPortForwarder[] = [];
  #terminating: Promise<void> | undefined;
  #message: string | undefined;

  constructor(o: PodWorkerOptions) {
    this.#o = o;
    this.podIP = o.podIP;
    const m = o.pod.metadata ?? {};
    this.dir = join(o.podsDir, `${m.namespace ?? 'default'}_${m.name ?? ''}_${m.uid ?? ''}`);
    const prev = new Map((o.pod.status?.containerStatuses ?? []).map((s) => [s.name, s.restartCount]));
    const spec = o.pod.spec;
    this.#runners = (spec?.containers ?? []).map((c) => new ContainerRunner({
      container: c, podIP: o.podIP, restartPolicy: spec?.restartPolicy ?? 'Always',
      graceSeconds: spec?.terminationGracePeriodSeconds ?? 30, log: new ContainerLog(join(this.dir, c.name)),
      prepare: () => this.#prepare(c), onChange: o.onChange, restartCount: prev.get(c.name) ?? 0,
      ...(o.spawn ? { spawn: o.spawn } : {}), ...(o.exec ? { exec: o.exec } : {}),
    }));
  }

  get uid(): string { return this.#o.pod.metadata?.uid ?? ''; }
  get terminating(): boolean { return this.#terminating !== undefined; }

  // start launches the containers and the hostPort forwarders (a port already taken is reported in the
  // pod's status message and the pod runs without it).
  async start(): Promise<void> {
    for (const r of this.#runners) r.start();
    if (this.#o.pod.spec?.hostNetwork) return;
    for (const c of this.#o.pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        try {
          this.#forwarders.push(await openHostPort({ protocol: p.protocol ?? 'TCP', hostIP: p.hostIP || this.#o.hostIP, hostPort: p.hostPort, podIP: this.podIP, podPort: p.containerPort }));
        } catch (e) {
          this.#message = `hostPort ${p.hostPort}: ${(e as Error).message}`;
          this.#o.onError(e);
          this.#o.onChange();
        }
      }
    }
  }

  #prepare(c: V1Container): { argv: string[]; env: Record<string, string>; cwd: string } {
    const env = this.#o.env(this.#o.pod, c, this.podIP);
    const rc = this.#o.resolvConf?.(this.#o.pod);
    if (rc !== undefined && env['PORTICO_RESOLV_CONF'] === undefined) {
      const path = join(this.dir, 'resolv.conf');
      try {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(path, rc);
        env['PORTICO_RESOLV_CONF'] = path;
      } catch (e) { this.#o.onError(e); }
    }
    return { argv: containerArgv(c, env), env, cwd: c.workingDir || process.cwd() };
  }

  runner(container?: string): ContainerRunner | undefined {
    return container ? this.#runners.find((r) => r.name === container) : this.#runners[0];
  }

  get containerNames(): string[] { return this.#runners.map((r) => r.name); }

  // terminate stops every container (SIGTERM, grace, SIGKILL) and closes the forwarders.
  terminate(graceSeconds?: number): Promise<void> {
    this.#terminating ??= (async () => {
      await Promise.all(this.#runners.map((r) => r.stop(graceSeconds)));
      await Promise.all(this.#forwarders.map((f) => f.close()));
      this.#forwarders = [];
    })();
    return this.#terminating;
  }

  // removeLogs deletes the pod's log directory (the pod object is gone); off the event loop, since a
  // burst of deletions would otherwise stall every request for the length of the unlinks.
  removeLogs(): Promise<void> { return rm(this.dir, { recursive: true, force: true }); }

  status(pod: V1Pod, now: string): V1PodStatus {
    const images = new Map((pod.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));
    return podStatus(pod, {
      podIP: this.podIP, hostIP: this.#o.hostIP, startTime: pod.status?.startTime ? String(pod.status.startTime) : this.#startTime,
      containers: this.#runners.map((r) => r.status(images.get(r.name) ?? '')),
      everyTerminated: this.#runners.every((r) => r.terminatedForGood),
      ...(this.#message ? { message: this.#message } : {}),
    }, now);
  }
}
