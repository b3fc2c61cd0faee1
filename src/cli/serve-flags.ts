// serveNodeFlags are the V8 flags `portico serve` re-executes itself with (bin/portico.js) besides those
// the user gave, tuned for a data plane; bench/ingress.ts starts its Portico processes with the same ones.
// - a 64 MiB young generation (--max-semi-space-size=64) unless the user gave a size: the proxies'
//   per-request objects die young, and fewer scavenges cut the ingress's CPU per request by about a
//   fifth (bench/ingress.ts, 39 -> 30 µs) with no change to the API server's GET latency or RSS at
//   10,000 Services (bench/api.ts);
// - on one CPU (an edge box, or a process pinned to a core), the garbage collector's work stays on the
//   main thread (--single-threaded-gc): helper threads there only take turns with the event loop, a
//   scavenge takes longer split across them (0.27 vs 0.17 ms at the median, ingress under load), and a
//   helper that gets the core keeps it for milliseconds while requests wait (perf sched: 3-4 ms);
// - no memory reducer (--no-memory-reducer): after a few seconds without traffic V8 shrinks the young
//   generation and starts a full GC, which then finishes when traffic comes back: the first second of
//   load after idle had a p99 of 3-10 ms (bench/ingress.ts, the second before each latency pass), without
//   it 1.7-2.4 ms after the first pass. The heap is not shrunk while idle; it still is collected under load.
export function serveNodeFlags(given: readonly string[], cpus: number): string[] {
  const has = (flag: string) => given.some((a) => a.includes(flag));
  const flags: string[] = [];
  if (!has('--max-semi-space-size')) flags.push('--max-semi-space-size=64');
  if (!has('memory-reducer')) flags.push('--no-memory-reducer');
  if (cpus === 1 && !has('--single-threaded-gc') && !has('--no-single-threaded-gc')) flags.push('--single-threaded-gc');
  return flags;
}
