// Problems become Events once while they last; NoEndpoints only after it has lasted the grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemReporter } from './problem-reporter.ts';
import type { ServiceKey } from './model/service-port-name.ts';
import type { PlanProblem } from './plan/types.ts';

const KEY = 'ns/web' as ServiceKey;
const service = { namespace: 'ns', name: 'web' };
const noEndpoints: PlanProblem = { service, type: 'Warning', reason: 'NoEndpoints', message: 'port 80/TCP has no endpoints' };
const conflict: PlanProblem = { service, type: 'Warning', reason: 'PortConflict', message: 'TCP 127.0.0.1:80 is already used by ns/api' };

function recorder(): { reasons: string[]; recordEvent: (s: unknown, t: string, reason: string) => void } {
  const reasons: string[] = [];
  return { reasons, recordEvent: (_s, _t, reason) => { reasons.push(reason); } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('NoEndpoints is reported once it lasted the grace; other problems at once, each once', async () => {
  const ev = recorder();
  const r = new ProblemReporter(ev, 80);
  try {
    r.report(KEY, [noEndpoints, conflict]);
    assert.deepEqual(ev.reasons, ['PortConflict']);
    r.report(KEY, [noEndpoints, conflict]);
    await sleep(200);
    assert.deepEqual(ev.reasons, ['PortConflict', 'NoEndpoints']);
    r.report(KEY, [noEndpoints, conflict]);
    assert.deepEqual(ev.reasons, ['PortConflict', 'NoEndpoints'], 'still the same problems: nothing new');
    r.report(KEY, []);
    r.report(KEY, [conflict]);
    assert.deepEqual(ev.reasons, ['PortConflict', 'NoEndpoints', 'PortConflict'], 'gone and back: reported again');
  } finally {
    r.stop();
  }
});

test('a Service that gets endpoints within the grace is never reported', async () => {
  const ev = recorder();
  const r = new ProblemReporter(ev, 80);
  try {
    r.report(KEY, [noEndpoints]);
    await sleep(20);
    r.report(KEY, []);
    await sleep(150);
    assert.deepEqual(ev.reasons, []);
  } finally {
    r.stop();
  }
});

test('each NoEndpoints is reported when its own grace ends, not a whole grace after the one before', async () => {
  const times: number[] = [];
  const r = new ProblemReporter({ recordEvent: () => { times.push(performance.now()); } }, 300);
  const other = 'ns/api' as ServiceKey;
  try {
    r.report(KEY, [noEndpoints]);
    await sleep(50);
    r.report(other, [{ ...noEndpoints, service: { namespace: 'ns', name: 'api' } }]);
    const t0 = performance.now();
    while (times.length < 2 && performance.now() - t0 < 3000) await sleep(10);
    assert.equal(times.length, 2);
    // due 50 ms apart; re-arming a whole grace after the first would put them 300 ms apart
    const gap = (times[1] ?? 0) - (times[0] ?? 0);
    assert.ok(gap < 200, `reported ${gap.toFixed(0)} ms apart`);
  } finally {
    r.stop();
  }
});
