import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './work-queue.ts';
import { Controller } from './controller.ts';

test('work queue dedupes keys and defers a key added while processing', async () => {
  const q = new WorkQueue();
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.len(), 2);
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');                  // while processing: not handed out again yet
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
  q.done('a');                 // now requeued
  assert.equal(await q.get(), 'a');
  q.shutDown();
  assert.equal(await q.get(), undefined);
});

test('work queue backoff doubles per key and resets on forget', () => {
  const cases = [
    { desc: 'first failure', failures: 0, want: 1 },
    { desc: 'second failure', failures: 1, want: 2 },
    { desc: 'after forget', failures: 0, want: 1 },
  ];
  const q = new WorkQueue({ baseDelayMs: 10 });
  for (const c of cases) {
    if (c.desc === 'after forget') q.forget('k');
    assert.equal(q.numRequeues('k'), c.failures, c.desc);
    q.addRateLimited('k');
    assert.equal(q.numRequeues('k'), c.want, c.desc);
  }
  q.shutDown();
});

test('controller retries failing keys with backoff and stops on abort', async () => {
  const seen: string[] = [];
  let fails = 2;
  const c = new Controller({
    name: 'test', workers: 2, queue: { baseDelayMs: 1 },
    reconcile: async (key) => { seen.push(key); if (key === 'bad' && fails-- > 0) throw new Error('boom'); },
  });
  const ac = new AbortController();
  const done = c.run(ac.signal);
  c.enqueue('ok'); c.enqueue('bad');
  const deadline = Date.now() + 2000;
  while (seen.filter((k) => k === 'bad').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  assert.deepEqual(seen.filter((k) => k === 'bad').length, 3);
  assert.equal(c.queue.numRequeues('bad'), 0);
  ac.abort();
  await done;
});

// Six controllers with a backlog of 1 ms reconciles share one 5 ms budget per turn of the event loop:
// a turn runs about 5 of them plus at most one per other controller (with a budget each, 30 or more).
test('controllers share one yield budget per turn of the event loop', { timeout: 20_000 }, async () => {
  let turn = 0;
  let probing = true;
  const tick = (): void => { turn++; if (probing) setImmediate(tick); };
  setImmediate(tick);
  const perTurn = new Map<number, number>();
  const spin = (ms: number): void => { const end = performance.now() + ms; while (performance.now() < end) { /* busy */ } };
  const ac = new AbortController();
  let left = 6 * 60;
  let allDone = (): void => {};
  const finished = new Promise<void>((r) => { allDone = r; });
  const controllers = Array.from({ length: 6 }, (_, c) => new Controller({
    name: `c${c}`,
    reconcile: async () => { spin(1); perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1); if (--left === 0) allDone(); },
  }));
  for (const c of controllers) for (let i = 0; i < 60; i++) c.enqueue(`k${i}`);
  const runs = controllers.map((c) => c.run(ac.signal));
  await finished;
  ac.abort();
  probing = false;
  await Promise.all(runs);
  const most = Math.max(...perTurn.values());
  assert.ok(perTurn.size > 20, `ran in ${perTurn.size} turns`);
  assert.ok(most <= 15, `one turn ran ${most} reconciles of 1 ms`);
});
