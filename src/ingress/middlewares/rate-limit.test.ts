import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE, DONE } from '../contract.ts';
import type { Verdict } from '../contract.ts';
import { newRequestContext } from './fake-context.ts';
import { RateLimitMiddleware } from './rate-limit.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

function send(m: RateLimitMiddleware, ip: string, n: number): Verdict[] {
  const out: Verdict[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = newRequestContext({ clientIP: ip });
    const v = m.handle(ctx);
    if (v === DONE) assert.equal(ctx.respond?.status, 503);
    out.push(v);
  }
  return out;
}
const accepted = (vs: Verdict[]) => vs.filter((v) => v === CONTINUE).length;

test('limit-rps: a burst of rate×5 (+1, as nginx) passes, the rest gets 503', () => {
  const c = clock();
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 2, burst: 10, exempt: [] }, c);
  assert.equal(accepted(send(m, '10.0.0.1', 20)), 11);
});

test('limit-rps: the bucket drains at the rate', () => {
  const c = clock();
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 2, burst: 10, exempt: [] }, c);
  send(m, '10.0.0.1', 11);
  assert.equal(accepted(send(m, '10.0.0.1', 1)), 0);
  c.advance(1000);                                   // two requests' worth drain
  assert.equal(accepted(send(m, '10.0.0.1', 3)), 2);
  c.advance(10_000);                                 // fully drained
  assert.equal(accepted(send(m, '10.0.0.1', 20)), 11);
});

test('limit-rps: clients are limited separately', () => {
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 1, burst: 5, exempt: [] }, clock());
  assert.equal(accepted(send(m, '10.0.0.1', 10)), 6);
  assert.equal(accepted(send(m, '10.0.0.2', 10)), 6);
});

test('limit-rps: sustained traffic at the rate passes', () => {
  const c = clock();
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 10, burst: 50, exempt: [] }, c);
  let ok = 0;
  for (let i = 0; i < 500; i++) { c.advance(100); ok += accepted(send(m, '10.0.0.1', 1)); }
  assert.equal(ok, 500);
});

test('limit-rpm: the rate is per minute', () => {
  const c = clock();
  const m = new RateLimitMiddleware({ name: 'limit-rpm', perSecond: 60 / 60, burst: 300, exempt: [] }, c);
  assert.equal(accepted(send(m, '10.0.0.1', 400)), 301);
  c.advance(5_000);
  assert.equal(accepted(send(m, '10.0.0.1', 10)), 5);
});

test('limit-whitelist: exempt clients are never limited', () => {
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 1, burst: 5, exempt: ['10.0.0.0/8'] }, clock());
  assert.equal(accepted(send(m, '10.1.2.3', 100)), 100);
  assert.equal(m.trackedClients, 0);
  assert.equal(accepted(send(m, '192.168.0.1', 100)), 6);
});

test('rate limiter memory: drained clients are swept, and the table never exceeds maxClients', () => {
  const c = clock();
  const m = new RateLimitMiddleware({ name: 'limit-rps', perSecond: 10, burst: 50, exempt: [], maxClients: 1000, sweepEveryMs: 1000 }, c);
  for (let i = 0; i < 5000; i++) {
    send(m, `10.0.${i >> 8}.${i & 255}`, 2);
    assert.ok(m.trackedClients <= 1000);
  }
  c.advance(60_000);
  send(m, '192.168.1.1', 1);                          // the next request triggers a sweep
  assert.equal(m.trackedClients, 1);
});

test('rate limiter: options are validated', () => {
  assert.throws(() => new RateLimitMiddleware({ name: 'limit-rps', perSecond: 0, burst: 5, exempt: [] }, clock()), RangeError);
});
