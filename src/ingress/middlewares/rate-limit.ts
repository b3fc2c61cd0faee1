// RateLimitMiddleware is nginx's limit_req with burst and nodelay, per client IP: each client has an
// "excess" that grows by one per request and drains at the rate; a request that would push it past the
// burst is answered 503 and not counted. An idle client may send burst+1 requests at once, as in nginx.
// Memory is bounded: drained clients are swept, and past maxClients the least recently added are dropped.
import type { Middleware, MiddlewareDeps, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';
import { CidrSet } from './cidr-set.ts';
import { answer, UNAVAILABLE_BODY } from './responses.ts';

export interface RateLimitOptions {
  name: string;                 // the annotation: limit-rps or limit-rpm
  perSecond: number;            // the sustained rate
  burst: number;                // requests above the rate a client may send at once
  exempt: readonly string[];    // limit-whitelist CIDRs
  maxClients?: number;          // default 100,000
  sweepEveryMs?: number;        // default 10 s
}

interface Bucket { excess: number; last: number }

export class RateLimitMiddleware implements Middleware {
  readonly name: string;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly exempt: CidrSet | undefined;
  private readonly maxClients: number;
  private readonly sweepEveryMs: number;
  private readonly now: () => number;
  private readonly clients = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(o: RateLimitOptions, deps: MiddlewareDeps) {
    if (!(o.perSecond > 0) || !(o.burst >= 0)) throw new RangeError(`${o.name}: rate must be positive and burst non-negative`);
    this.name = o.name;
    this.perMs = o.perSecond / 1000;
    this.burst = o.burst;
    this.exempt = o.exempt.length > 0 ? new CidrSet(o.exempt) : undefined;
    this.maxClients = o.maxClients ?? 100_000;
    this.sweepEveryMs = o.sweepEveryMs ?? 10_000;
    this.now = deps.now;
    this.lastSweep = deps.now();
  }

  get trackedClients(): number {
    return this.clients.size;
  }

  handle(ctx: RequestContext): Verdict {
    if (this.exempt?.has(ctx.clientIP)) return CONTINUE;
    const now = this.now();
    if (now - this.lastSweep >= this.sweepEveryMs) this.sweep(now);
    const b = this.clients.get(ctx.clientIP);
    if (b === undefined) {
      if (this.clients.size >= this.maxClients) this.evict(now);
      this.clients.set(ctx.clientIP, { excess: 0, last: now });
      return CONTINUE;
    }
    // nginx: excess = max(0, excess - rate × elapsed + 1), so a client sending exactly at the rate stays at 0.
    const next = b.excess - (now - b.last) * this.perMs + 1;
    const excess = next > 0 ? next : 0;
    if (excess > this.burst + 1e-9) {
      answer(ctx, 503, UNAVAILABLE_BODY);
      return DONE;
    }
    b.excess = excess;
    b.last = now;
    return CONTINUE;
  }

  // sweep forgets clients whose excess has fully drained: a new bucket for them behaves the same.
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [ip, b] of this.clients) {
      if (b.excess - (now - b.last) * this.perMs <= 0) this.clients.delete(ip);
    }
  }

  private evict(now: number): void {
    this.sweep(now);
    if (this.clients.size < this.maxClients) return;
    // Still full of active clients: drop the oldest tenth (Map iterates in insertion order).
    let drop = Math.max(1, Math.floor(this.maxClients / 10));
    for (const ip of this.clients.keys()) {
      if (drop-- <= 0) break;
      this.clients.delete(ip);
    }
  }
}
