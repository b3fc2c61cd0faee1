// The e2e harness: startPortico spawns `portico serve` on 127.0.0.1:0 with a temporary data dir (its
// cluster DNS on a free port, forwarding nowhere), waits (bounded) for its listening line, and hands back
// kubectl and client-node helpers. Every started server is killed and every temp dir removed in an
// `after` hook, even when a test fails midway.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import * as k8s from '@kubernetes/client-node';

export const ROOT = resolve(import.meta.dirname, '..');
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const PORTICO = join(ROOT, 'bin/portico.js');
export const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

export interface ExecResult { code: number; stdout: string; stderr: string }
export interface ExecOptions { stdin?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }

export interface Portico {
  url: string;
  port: number;
  pid: number;                         // the serve process
  dns?: { host: string; port: number };  // where its DNS server listens (absent with --disable-dns)
  ingress?: { http: number; https: number };  // the Ingress controller's ports (absent with --disable-ingress)
  kubeconfig: string;
  dataDir: string;
  logs(): string;                      // the server's stderr so far
  kubectl(args: readonly string[], o?: ExecOptions): Promise<ExecResult>;
  portico(args: readonly string[], o?: ExecOptions): Promise<ExecResult>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;  // resolves with the exit code
  kill9(): Promise<void>;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

// The cleanup hook is registered when the harness is imported, at the top level of the test file, so it
// runs once the whole file is done (a hook registered from inside a running hook would run too early).
after(async () => {
  await Promise.all([...children].map((c) => killAndWait(c, 'SIGKILL')));
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
});

// tempDir makes a directory under os.tmpdir() that the after hook removes.
export function tempDir(prefix = 'portico-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

function killAndWait(c: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((res) => {
    if (c.exitCode !== null || c.signalCode !== null) { children.delete(c); return res(c.exitCode); }
    c.once('exit', (code) => { children.delete(c); res(code); });
    c.kill(signal);
  });
}

// exec runs a command to completion (bounded: killed after timeoutMs, default 30 s).
export function exec(cmd: string, args: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((res, rej) => {
    const c = spawn(cmd, args, { cwd: ROOT, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const t = setTimeout(() => c.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    c.on('error', rej);
    c.on('close', (code, sig) => { clearTimeout(t); children.delete(c); res({ code: code ?? (sig ? 128 : 1), stdout, stderr }); });
    c.stdin.end(o.stdin ?? '');
  });
}

const LISTENING = /portico: API listening on (http:\/\/[^\s]+) \(kubeconfig: ([^)]+)\)/;
// START_TIMEOUT_MS bounds a start: loading the modules alone takes 8 s on two cores shared by many agents.
const START_TIMEOUT_MS = 60_000;
const DNS_LISTENING = /portico: DNS listening on \[?([^\s\]]+?)\]?:(\d+) /;
const INGRESS_LISTENING = /portico: Ingress listening on http \S+:(\d+), https \S+:(\d+) /;

// SHARED_PORT_DEFAULTS keep every server off fixed shared ports: the cluster DNS picks a free port (serve
// prints it; Portico.dns has it) and never forwards to a real upstream. A test's own args come later and win.
const SHARED_PORT_DEFAULTS = ['--dns-addr', '127.0.0.1:0', '--dns-upstream', 'none', '--http-addr', '127.0.0.1:0', '--https-addr', '127.0.0.1:0'];

// isolationArgs keep parallel servers' data planes apart. Pods get a /24 of their own, derived from the
// data dir (a restart on the same dir keeps its pod addresses). The service proxy binds every ClusterIP,
// and servers on the default service CIDR share `kubernetes` at .1 and kube-dns at .10, so it runs only
// for tests that chose their own --service-cidr.
function isolationArgs(args: readonly string[], dataDir: string): string[] {
  const out: string[] = [];
  if (!args.includes('--pod-cidr')) {
    const h = createHash('sha256').update(dataDir).digest();
    out.push('--pod-cidr', `127.${220 + ((h[0] ?? 0) % 12)}.${h[1] ?? 0}.0/24`);
  }
  if (!args.includes('--service-cidr')) out.push('--disable-proxy');
  return out;
}

// startPortico starts a server; dataDir reuses a directory (restart after a crash), args are extra flags.
export async function startPortico(o: { args?: string[]; dataDir?: string; timeoutMs?: number } = {}): Promise<Portico> {
  const dataDir = o.dataDir ?? tempDir();
  const child = spawn(NODE, [PORTICO, 'serve', '--api-addr', '127.0.0.1:0', '--data-dir', dataDir, '--node-name', 'portico-test', ...SHARED_PORT_DEFAULTS, ...isolationArgs(o.args ?? [], dataDir), ...(o.args ?? [])], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' },
  });
  children.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  let stdout = '';
  const m = await new Promise<RegExpExecArray>((res, rej) => {
    let out = '';
    const t = setTimeout(() => fail(`portico serve did not start within ${o.timeoutMs ?? START_TIMEOUT_MS} ms`), o.timeoutMs ?? START_TIMEOUT_MS);
    function fail(why: string) { clearTimeout(t); child.kill('SIGKILL'); rej(new Error(`${why}\nstdout: ${out}\nstderr: ${stderr.slice(-4000)}`)); }
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      stdout = out;
      const hit = LISTENING.exec(out);
      if (hit) { clearTimeout(t); res(hit); }
    });
    child.once('exit', (code, sig) => fail(`portico serve exited (code ${code}, signal ${sig}) before listening`));
  });
  const url = m[1] ?? '';
  const kubeconfig = resolve(ROOT, m[2] ?? '');
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dataDir };
  const dns = DNS_LISTENING.exec(stdout);
  const ing = INGRESS_LISTENING.exec(stdout);
  return {
    url, port: Number(new URL(url).port), kubeconfig, dataDir, pid: child.pid ?? 0,
    ...(dns ? { dns: { host: dns[1] ?? '', port: Number(dns[2]) } } : {}),
    ...(ing ? { ingress: { http: Number(ing[1]), https: Number(ing[2]) } } : {}),
    logs: () => stderr,
    kubectl: (args, eo = {}) => exec(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { env, ...eo }),
    portico: (args, eo = {}) => exec(NODE, [PORTICO, ...args], { env, ...eo }),
    stop: (signal = 'SIGTERM') => killAndWait(child, signal),
    kill9: async () => { await killAndWait(child, 'SIGKILL'); },
  };
}

// clientFor is a client-node KubeConfig and CoreV1Api for a running Portico.
export function clientFor(p: Pick<Portico, 'kubeconfig'>): { kc: k8s.KubeConfig; core: k8s.CoreV1Api } {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(p.kubeconfig);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api) };
}

// eventually polls fn until it returns a truthy value or the deadline passes (then throws the last error).
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`eventually: timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
