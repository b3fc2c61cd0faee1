import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { L4Backend } from './backend.ts';
import { FakeProxySource } from './fake-source.ts';
import type { L4Plan } from './plan/types.ts';
import { ServiceProxy } from './service-proxy.ts';

const svc = (i: number): V1Service => ({
  metadata: { namespace: 'ns', name: `s${i}` },
  spec: { clusterIP: `127.100.${i >> 8}.${i & 255}`, ports: [{ port: 80, protocol: 'TCP' }] },
});

// CountingBackend records every applied plan's listener count and when the apply ran; costPerListenerMs
// makes apply burn CPU like a real whole-state diff does.
class CountingBackend implements L4Backend {
  readonly applied: number[] = [];
  readonly spans: { start: number; end: number }[] = [];
  readonly costPerListenerMs: number;
  constructor(costPerListenerMs = 0) { this.costPerListenerMs = costPerListenerMs; }
  async apply(plan: L4Plan): Promise<void> {
    const start = performance.now();
    while (performance.now() - start < plan.listeners.size * this.costPerListenerMs) { /* burn */ }
    this.applied.push(plan.listeners.size);
    this.spans.push({ start, end: performance.now() });
  }
  async cleanup(): Promise<void> {}
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// Each sync plans the whole state; one sync per event made a stream of N creates cost O(N²) (bench/api.ts
// with the proxy on: 14 s of the server's CPU for 2,000 Services). Syncs are spaced by their own cost: after
// a sync of d ms the next starts no sooner than 4·d later (at most 1 s).
test('ServiceProxy spaces whole-state syncs by their cost, so a stream of changes coalesces', { timeout: 60_000 }, async () => {
  const source = new FakeProxySource();
  const backend = new CountingBackend(0.2);          // 300 listeners: a 60 ms apply
  const proxy = new ServiceProxy({ source, backend, node: { name: 'n', addresses: ['127.0.0.1'] } });
  const ac = new AbortController();
  source.markSynced();
  const done = proxy.run(ac.signal);
  try {
    await waitFor(() => backend.applied.length === 1);
    // 300 creates over ~600 ms, as a client creating Services one after another would
    for (let i = 1; i <= 300; i++) {
      source.services.set(svc(i));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => backend.applied.at(-1) === 300);
    assert.equal(proxy.lastPlan()?.listeners.size, 300);
    for (let i = 1; i < backend.spans.length; i++) {
      const prev = backend.spans[i - 1]!;
      const gap = backend.spans[i]!.start - prev.end;
      const want = Math.min(1000, 4 * (prev.end - prev.start));
      assert.ok(gap >= want - 2, `sync ${i} started ${gap.toFixed(1)} ms after the previous ended (want ≥ ${want.toFixed(1)})`);
    }
    assert.ok(backend.applied.length < 60, `${backend.applied.length} syncs for 300 changes: ${backend.applied.join(',')}`);
  } finally {
    ac.abort();
    await done;
  }
});

test('ServiceProxy follows each change of a small state within milliseconds', { timeout: 30_000 }, async () => {
  const source = new FakeProxySource();
  const backend = new CountingBackend();
  const proxy = new ServiceProxy({ source, backend, node: { name: 'n', addresses: ['127.0.0.1'] } });
  const ac = new AbortController();
  source.markSynced();
  const done = proxy.run(ac.signal);
  try {
    await waitFor(() => backend.applied.length === 1);
    const lags: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const t0 = performance.now();
      source.services.set(svc(i));
      await waitFor(() => backend.applied.at(-1) === i);
      lags.push(performance.now() - t0);
    }
    assert.deepEqual(backend.applied.slice(-5), [1, 2, 3, 4, 5]);
    lags.sort((a, b) => a - b);
    assert.ok(lags[2]! < 100, `median lag ${lags[2]!.toFixed(1)} ms (all: ${lags.map((x) => x.toFixed(0)).join(', ')})`);
  } finally {
    ac.abort();
    await done;
  }
});

// RecordingBackend records the change sets of every apply ('whole' when none) and fails when told to.
class RecordingBackend implements L4Backend {
  readonly calls: string[] = [];
  fail = false;
  async apply(_plan: L4Plan, _signal: AbortSignal, changed?: ReadonlySet<string>): Promise<void> {
    this.calls.push(changed ? [...changed].join(',') : 'whole');
    if (this.fail) { this.fail = false; throw new Error('apply failed'); }
  }
  async cleanup(): Promise<void> {}
}

test('ServiceProxy hands the backend what changed, and the whole state after a failed apply', { timeout: 30_000 }, async () => {
  const source = new FakeProxySource();
  const backend = new RecordingBackend();
  const proxy = new ServiceProxy({ source, backend, node: { name: 'n', addresses: ['127.0.0.1'] }, retryMs: 20 });
  const ac = new AbortController();
  source.services.set(svc(1));
  source.markSynced();
  const done = proxy.run(ac.signal);
  try {
    await waitFor(() => backend.calls.length === 1);
    source.services.set(svc(2));
    await waitFor(() => backend.calls.length === 2);
    backend.fail = true;
    source.services.set(svc(3));
    await waitFor(() => backend.calls.length === 4);   // the failed apply, then its whole-state retry
    source.services.delete('ns', 's1');
    await waitFor(() => backend.calls.length === 5);
    assert.deepEqual(backend.calls, ['whole', 'TCP/127.100.0.2/80', 'TCP/127.100.0.3/80', 'whole', 'TCP/127.100.0.1/80']);
  } finally {
    ac.abort();
    await done;
  }
});
