// probe runs one Kubernetes probe (httpGet, tcpSocket, exec) against a pod's IP; ProbeLoop repeats it
// with the kubelet's timing and thresholds (defaults: period 10 s, timeout 1 s, success 1, failure 3,
// initial delay 0) and reports each change of the probe's result.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

export interface ProbeTarget {
  podIP: string;
  container: V1Container;
  env: Record<string, string>;
  exec?: ExecFn;                       // runs exec probes and hooks; default: execFile from this process
}

// ExecFn runs argv to completion within timeoutMs and resolves true when it exits 0.
export type ExecFn = (argv: string[], env: Record<string, string>, cwd: string, timeoutMs: number) => Promise<boolean>;

export const execLocal: ExecFn = (argv, env, cwd, timeoutMs) => {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    execFile(cmd ?? '', args, { env, timeout: timeoutMs, cwd, killSignal: 'SIGKILL' }, (err) => resolve(!err));
  });
};

// resolvePort turns a probe's port (number or container port name) into a number (0 when unknown).
export function resolvePort(port: number | string | undefined, container: V1Container): number {
  if (typeof port === 'number') return port;
  if (port === undefined) return 0;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? 0;
}

// runProbe resolves true on success; any error or timeout is a failure.
export function runProbe(probe: V1Probe, t: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe, t, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket.host || t.podIP, resolvePort(probe.tcpSocket.port, t.container), timeoutMs);
  if (probe.exec?.command?.length) return execProbe(probe.exec.command, t, timeoutMs);
  return Promise.resolve(false);
}

function httpProbe(probe: V1Probe, t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const g = probe.httpGet;
  if (!g) return Promise.resolve(false);
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
  const make = g.scheme === 'HTTPS' ? httpsRequest : request;
  return new Promise((resolve) => {
    const req = make({ host: g.host || t.podIP, port: resolvePort(g.port, t.container), path: g.path || '/', method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    const end = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.once('connect', () => end(true));
    s.once('timeout', () => end(false));
    s.once('error', () => end(false));
  });
}

function execProbe(argv: string[], t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return (t.exec ?? execLocal)(argv, t.env, t.container.workingDir || process.cwd(), timeoutMs);
}

export interface ProbeLoopOptions {
  probe: V1Probe;
  target: () => ProbeTarget;
  onChange: (ok: boolean) => void;     // called when the thresholded result changes
  initial: boolean;                    // the result before the first threshold is met
}

// ProbeLoop probes until stop(); it never overlaps two runs of the same probe.
export class ProbeLoop {
  readonly #o: ProbeLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #ok: boolean;
  #successes = 0;
  #failures = 0;

  constructor(o: ProbeLoopOptions) {
    this.#o = o;
    this.#ok = o.initial;
    this.#schedule((o.probe.initialDelaySeconds ?? 0) * 1000);
  }

  get ok(): boolean { return this.#ok; }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    const p = this.#o.probe;
    const ok = await runProbe(p, this.#o.target());
    if (this.#stopped) return;
    if (ok) { this.#successes++; this.#failures = 0; } else { this.#failures++; this.#successes = 0; }
    const flipUp = !this.#ok && ok && this.#successes >= (p.successThreshold ?? 1);
    const flipDown = this.#ok && !ok && this.#failures >= (p.failureThreshold ?? 3);
    if (flipUp || flipDown) {
      this.#ok = ok;
      this.#o.onChange(ok);
    }
    this.#schedule((p.periodSeconds ?? 10) * 1000);
  }
}
