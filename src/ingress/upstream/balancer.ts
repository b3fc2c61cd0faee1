// Endpoint selection: round robin, EWMA (power of two choices over latency × load, as ingress-nginx's
// balancer.ewma), and consistent hashing for upstream-hash-by (jump consistent hash over FNV-1a).
import type { Endpoint, Upstream } from './upstream.ts';

const DECAY_MS = 10_000;

// pickRoundRobin skips endpoints parked after a connect failure, unless all are.
export function pickRoundRobin(up: Upstream, now: number): Endpoint | undefined {
  const eps = up.endpoints;
  const n = eps.length;
  if (n === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const e = eps[up.rr++ % n] as Endpoint;
    if (e.stats.failedUntil <= now) return e;
  }
  return eps[up.rr++ % n];
}

export function pickEwma(up: Upstream, now: number): Endpoint | undefined {
  const eps = up.endpoints;
  const n = eps.length;
  if (n < 2) return eps[0];
  const a = eps[(Math.random() * n) | 0] as Endpoint;
  let b = eps[(Math.random() * n) | 0] as Endpoint;
  if (b === a) b = eps[(eps.indexOf(a) + 1) % n] as Endpoint;
  if (a.stats.failedUntil > now) return b;
  if (b.stats.failedUntil > now) return a;
  return score(a, now) <= score(b, now) ? a : b;
}

function score(e: Endpoint, now: number): number {
  const s = e.stats;
  const decayed = s.lastSample ? s.ewmaMs * Math.exp(-(now - s.lastSample) / DECAY_MS) : 0;
  return (decayed + 1) * (s.inflight + 1);
}

// recordLatency feeds one response time into an endpoint's EWMA.
export function recordLatency(e: Endpoint, ms: number, now: number): void {
  const s = e.stats;
  if (s.lastSample === 0) s.ewmaMs = ms;
  else {
    const w = Math.exp(-(now - s.lastSample) / DECAY_MS);
    s.ewmaMs = s.ewmaMs * w + ms * (1 - w);
  }
  s.lastSample = now;
}

// pickHash maps a key to an endpoint so that most keys keep their endpoint when the set changes.
export function pickHash(up: Upstream, key: string): Endpoint | undefined {
  const n = up.endpoints.length;
  if (n === 0) return undefined;
  return up.endpoints[jumpHash(fnv1a(key), n)];
}

// pickNext returns an endpoint not yet tried (retries go to the next endpoint), or undefined.
export function pickNext(up: Upstream, tried: readonly Endpoint[], now: number): Endpoint | undefined {
  const eps = up.endpoints;
  const n = eps.length;
  let fallback: Endpoint | undefined;
  for (let i = 0; i < n; i++) {
    const e = eps[up.rr++ % n] as Endpoint;
    if (tried.includes(e)) continue;
    if (e.stats.failedUntil <= now) return e;
    fallback ??= e;
  }
  return fallback;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

// jumpHash is Lamping & Veach's jump consistent hash over a 32-bit key (a 32-bit LCG keeps it in doubles).
function jumpHash(key: number, buckets: number): number {
  let b = -1;
  let j = 0;
  let k = key;
  while (j < buckets) {
    b = j;
    k = (Math.imul(k, 1103515245) + 12345) >>> 0;
    j = Math.floor((b + 1) * (2 ** 31 / ((k >>> 1) + 1)));
  }
  return b;
}
