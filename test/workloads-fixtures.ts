// Shared pieces of the workload e2e tests (workloads*.test.ts, pods*.test.ts): per-run addresses so
// parallel test files never share pod IPs or hostPorts, a marker to find a run's processes in /proc,
// and small HTTP and Endpoints helpers.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ROOT } from './harness.ts';

export const ECHO = join(ROOT, 'examples/echo-server.js');

// runNetwork is a random /24 for pods, one for Services and a random node IP, all in loopback (the
// service range inside serve's default 127.96.0.0/12), so servers of parallel test files never collide
// on pod IPs, ClusterIP listeners or hostPorts. (The harness already moves DNS to a free port.)
export function runNetwork(): { podCIDR: string; serviceCIDR: string; nodeIP: string; args: string[] } {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = randomBytes(5);
  const podCIDR = `127.${232 + (a % 12)}.${b}.0/24`;
  const serviceCIDR = `127.${96 + (c % 16)}.${d}.0/24`;
  const nodeIP = `127.246.${e}.${2 + ((a + d) % 250)}`;
  return { podCIDR, serviceCIDR, nodeIP, args: ['--pod-cidr', podCIDR, '--service-cidr', serviceCIDR, '--node-ip', nodeIP] };
}

// START_MS bounds a server start on a loaded machine.
export const START_MS = 120_000;

export function newMarker(): string { return `portico-test-${randomBytes(6).toString('hex')}`; }

// markedPids lists the live processes whose environment or command line carries marker.
export function markedPids(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1');
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue;                 // a zombie has exited already
      if (env.includes(marker) || cmd.includes(marker)) out.push(Number(d));
    } catch { /* gone meanwhile, or not ours to read */ }
  }
  return out;
}

// childPids lists the live children of pid whose command line contains text.
export function childPids(pid: number, text: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${d}/cmdline`, 'latin1').includes(text)) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/\) Z /.test(stat);
  } catch { return false; }
}

// freePort is a TCP port free on host right now.
export function freePort(host: string): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface HttpResult { status: number; body: string }

// httpGet is one bounded HTTP request without keep-alive.
export function httpGet(host: string, port: number, path = '/', method = 'GET', timeoutMs = 2_000): Promise<HttpResult> {
  return new Promise((res, rej) => {
    const req = request({ host, port, path, method, agent: false, timeout: timeoutMs }, (r) => {
      let body = '';
      r.setEncoding('utf8').on('data', (d: string) => { body += d; });
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${host}:${port}${path}`)));
    req.on('error', rej);
    req.end();
  });
}

// readyAddresses lists an Endpoints' ready IPs, sorted.
export function readyAddresses(ep: k8s.V1Endpoints | undefined): string[] {
  return (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
}

export function notReadyAddresses(ep: k8s.V1Endpoints | undefined): string[] {
  return (ep?.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort();
}

export function isReady(p: k8s.V1Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

// containerPid reads the pid Portico reports in containerID ("portico://<pid>").
export function containerPid(p: k8s.V1Pod): number | undefined {
  const id = p.status?.containerStatuses?.[0]?.containerID ?? '';
  const m = /^portico:\/\/(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
