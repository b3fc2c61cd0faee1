import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cases = [
  { desc: 'a burst of requests coalesces into one run after the first', in: { min: 50, max: 10_000, requests: 20, spreadMs: 0, waitMs: 120 }, want: { min: 2, max: 2 } },
  { desc: 'requests closer than min interval run at most once per interval', in: { min: 40, max: 10_000, requests: 10, spreadMs: 10, waitMs: 60 }, want: { min: 2, max: 5 } },
  { desc: 'no requests: the max interval still resyncs', in: { min: 0, max: 30, requests: 0, spreadMs: 0, waitMs: 100 }, want: { min: 2, max: 5 } },
];

for (const c of cases) {
  test(c.desc, { timeout: 5000 }, async () => {
    let runs = 0;
    const r = new BoundedFrequencyRunner({ fn: async () => { runs++; }, minIntervalMs: c.in.min, maxIntervalMs: c.in.max });
    const ac = new AbortController();
    const loop = r.loop(ac.signal);
    await sleep(5);
    for (let i = 0; i < c.in.requests; i++) { r.run(); if (c.in.spreadMs) await sleep(c.in.spreadMs); }
    await sleep(c.in.waitMs);
    ac.abort();
    await loop;
    assert.ok(runs >= c.want.min && runs <= c.want.max, `runs=${runs}, want ${c.want.min}..${c.want.max}`);
  });
}

test('runs never overlap and a failed run is retried', { timeout: 5000 }, async () => {
  let active = 0, maxActive = 0, calls = 0;
  const r = new BoundedFrequencyRunner({
    minIntervalMs: 0, maxIntervalMs: 10_000, retryMs: 20,
    fn: async () => {
      calls++; active++; maxActive = Math.max(maxActive, active);
      await sleep(10);
      active--;
      if (calls === 1) throw new Error('boom');
    },
  });
  const ac = new AbortController();
  const loop = r.loop(ac.signal);
  for (let i = 0; i < 5; i++) { r.run(); await sleep(2); }
  await sleep(80);
  ac.abort();
  await loop;
  assert.equal(maxActive, 1);
  assert.ok(calls >= 2);
});
