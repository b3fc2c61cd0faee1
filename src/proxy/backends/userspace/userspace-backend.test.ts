// UserspaceBackend.apply with change sets looks only at the changed keys (and at earlier bind failures);
// without them it compares the whole plan.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { ServicePortName } from '../../model/service-port-name.ts';
import { listenerKey } from '../../plan/types.ts';
import type { L4Plan, ListenerKey, ListenerPlan } from '../../plan/types.ts';
import { freePort } from './fake-pods.ts';
import { UserspaceBackend } from './userspace-backend.ts';

const IP = '127.0.0.1';

function listener(name: string, port: number): ListenerPlan {
  return {
    key: listenerKey('TCP', IP, port), service: { namespace: 'ns', name }, portName: `ns/${name}:/TCP` as ServicePortName,
    servicePort: { name: '', port }, role: 'clusterIP', protocol: 'TCP', ip: IP, port, endpoints: [], whenEmpty: 'reject',
    affinityTimeoutSeconds: undefined, proxyProtocol: undefined,
  };
}

const planOf = (...ls: ListenerPlan[]): L4Plan => ({ listeners: new Map(ls.map((l) => [l.key, l])), healthChecks: new Map(), problems: [] });
const keys = (...ls: ListenerPlan[]): Set<ListenerKey> => new Set(ls.map((l) => l.key));

test('UserspaceBackend.apply with change sets touches only the changed keys; a whole-state apply catches up', async () => {
  const b = new UserspaceBackend({ drainMs: 0 });
  const signal = new AbortController().signal;
  const [pa, pb, pc] = [await freePort(IP), await freePort(IP), await freePort(IP)];
  const a = listener('a', pa), bl = listener('b', pb), c = listener('c', pc);
  try {
    await b.apply(planOf(a, bl), signal, keys(a, bl), new Set());
    assert.ok(b.isListening(a.key) && b.isListening(bl.key));
    // c is in the plan but not reported as changed: an incremental apply does not look at it.
    await b.apply(planOf(a, bl, c), signal, keys(), new Set());
    assert.equal(b.isListening(c.key), false);
    await b.apply(planOf(a, bl, c), signal);
    assert.ok(b.isListening(c.key));
    // b goes away and is reported: only it closes.
    await b.apply(planOf(a, c), signal, keys(bl), new Set());
    assert.deepEqual([b.isListening(a.key), b.isListening(bl.key), b.isListening(c.key)], [true, false, true]);
  } finally {
    await b.cleanup();
  }
});

test('UserspaceBackend.apply retries a failed bind on the next incremental apply', async () => {
  const b = new UserspaceBackend({ drainMs: 0 });
  const signal = new AbortController().signal;
  const port = await freePort(IP);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen({ host: IP, port }, resolve));
  const l = listener('a', port);
  try {
    await assert.rejects(b.apply(planOf(l), signal, keys(l), new Set()), (err: AggregateError) => err.errors[0]?.code === 'EADDRINUSE');
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await b.apply(planOf(l), signal, keys(), new Set());
    assert.ok(b.isListening(l.key));
  } finally {
    await new Promise<void>((resolve) => { if (taken.listening) taken.close(() => resolve()); else resolve(); });
    await b.cleanup();
  }
});
