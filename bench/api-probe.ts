// api-probe is bench/api.ts's prober (a worker thread): it GETs one object every `everyMs` ms, open
// loop (a slow reply does not delay the next request, so a stall shows in every request it held up),
// and samples the server's VmRSS every 100 ms. On {type:'stop'} it waits for the requests still out
// and posts {type:'result', result: ProbeResult}.
import { parentPort, workerData } from 'node:worker_threads';
import { nowMs, request, vmStatus } from './api-lib.ts';

export interface ProbeResult { samples: { at: number; ms: number }[]; errors: number; why: Record<string, number>; peakRssKb: number }
interface ProbeData { base: string; path: string; pid: number; everyMs: number }

if (parentPort) {
  const port = parentPort;
  const d = workerData as ProbeData;
  const result: ProbeResult = { samples: [], errors: 0, why: {}, peakRssKb: 0 };
  const fail = (reason: string): void => { result.errors++; result.why[reason] = (result.why[reason] ?? 0) + 1; };
  const out = new Set<Promise<void>>();
  const probe = (): void => {
    const t0 = nowMs();
    const p = request(d.base, 'GET', d.path).then(
      (r) => { if (r.status === 200) result.samples.push({ at: t0, ms: nowMs() - t0 }); else fail(`HTTP ${r.status}: ${r.text.slice(0, 120)}`); },
      (e: unknown) => { fail(e instanceof Error ? e.message : String(e)); },
    ).finally(() => out.delete(p));
    out.add(p);
  };
  // Warm the agent's pool first, so probes measure the server and not connection setup.
  for (let k = 0; k < 3; k++) await Promise.all(Array.from({ length: 8 }, () => request(d.base, 'GET', d.path)));
  const gets = setInterval(probe, d.everyMs);
  const mem = setInterval(() => { result.peakRssKb = Math.max(result.peakRssKb, vmStatus(d.pid).rssKb); }, 100);
  port.on('message', (m: { type: string }) => {
    if (m.type !== 'stop') return;
    clearInterval(gets);
    clearInterval(mem);
    void Promise.all(out).then(() => { port.postMessage({ type: 'result', result }); port.close(); });
  });
  port.postMessage({ type: 'ready' });
}
