// serveNodeFlags are the V8 flags `portico serve` re-executes itself with (bin/portico.js) besides those
// the user gave, tuned for a data plane; bench/ingress.ts starts its Portico processes with the same ones.
// - a 64 MiB young generation (--max-semi-space-size=64) unless the user gave a size: the proxies'
//   per-request objects die young, and fewer scavenges cut the ingress's CPU per request by about a
//   fifth (bench/ingress.ts, 39 -> 30 µs) with no change to the API server's GET latency or RSS at
//   10,000 Services (bench/api.ts).
// Measured and not used (the process also runs the API server and its controllers):
// - --single-threaded-gc, even on one CPU: the ingress's scavenges got shorter (0.27 -> 0.17 ms at the
//   median) but the API server's full GCs atomic: GET p99 while creating 3,000 Services on one core
//   118-181 ms instead of 34-36, event-loop stalls up to 239 ms (bench/api.ts, COUNT=3000, pinned).
// - --no-memory-reducer: without it V8, after a few idle seconds, shrinks the young generation and starts
//   a full GC that may finish when traffic comes back (the ingress's first second after idle: p99 3-10
//   ms instead of 1.7-2.4 in bench/ingress.ts); with it the heap is not given back while idle, which an
//   edge box running the control plane after a burst of writes would see as memory that never returns.
export function serveNodeFlags(given: readonly string[]): string[] {
  return given.some((a) => a.includes('--max-semi-space-size')) ? [] : ['--max-semi-space-size=64'];
}
