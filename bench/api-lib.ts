// api-lib holds what bench/api.ts and its worker threads share: a keep-alive HTTP client, a clock that
// agrees across threads, percentiles, and the server's memory from /proc.
import http from 'node:http';
import { readFileSync } from 'node:fs';

// agent is this thread's keep-alive pool; the callers bound how many requests they keep in flight.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

// nowMs is a high-resolution wall clock in ms, comparable between the main thread and workers
// (performance.now() alone is relative to each thread's own start).
export function nowMs(): number { return performance.timeOrigin + performance.now(); }

export interface Reply { status: number; text: string }

// request sends one request with a JSON body (if any) and resolves with the whole response text.
export function request(base: string, method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((res, rej) => {
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = Buffer.byteLength(body); }
    const req = http.request(new URL(path, base), { method, agent, headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      r.on('error', rej);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no response within 60 s`)));
    req.on('error', rej);
    req.end(body);
  });
}

export interface Summary { n: number; p50: number; p99: number; max: number; missing?: number }

// summarize returns nearest-rank percentiles of xs (all 0 when empty).
export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) return { n: 0, p50: 0, p99: 0, max: 0 };
  const s = Float64Array.from(xs).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 };
}

// vmStatus reads VmRSS and VmHWM (kB) of a process; zeros once it is gone.
export function vmStatus(pid: number): { rssKb: number; hwmKb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

export interface ServerStats { cpuSec: number; lagMaxMs: number; lagP99Ms: number }

// serverStats scrapes the server's /metrics: its CPU time so far, and the event-loop delay (max, p99)
// since the previous scrape (prom-client resets that histogram on every scrape). CPU time does not
// depend on how busy the rest of the machine is; wall-clock latencies do.
export async function serverStats(base: string): Promise<ServerStats> {
  const text = (await request(base, 'GET', '/metrics')).text;
  const val = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { cpuSec: val('process_cpu_seconds_total'), lagMaxMs: val('nodejs_eventloop_lag_max_seconds') * 1000, lagP99Ms: val('nodejs_eventloop_lag_p99_seconds') * 1000 };
}
