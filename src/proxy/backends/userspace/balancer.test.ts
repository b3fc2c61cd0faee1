import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointInfo } from '../../model/endpoint.ts';
import { Balancer } from './balancer.ts';

const ep = (ip: string): EndpointInfo => ({ ip, port: 80, ready: true, serving: true, terminating: false, nodeName: 'n', isLocal: true });
const [a, b, c] = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];

test('round robin cycles and skips failed endpoints', () => {
  const bal = new Balancer();
  bal.update([a, b, c], undefined);
  assert.deepEqual([1, 2, 3, 4].map(() => bal.pick('x')?.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1']);
  assert.equal(bal.pick('x', new Set(['10.0.0.2:80', '10.0.0.3:80']))?.ip, '10.0.0.1');
  assert.equal(bal.pick('x', new Set(['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'])), undefined);
});

test('affinity survives unrelated changes, moves when its endpoint leaves, expires when idle', () => {
  const bal = new Balancer();
  bal.update([a, b, c], 10);
  const t = 1_000_000;
  const first = bal.pick('client', undefined, t);
  bal.update([a, b, c, ep('10.0.0.4')], 10);
  assert.equal(bal.pick('client', undefined, t + 5_000), first);
  bal.update([a, b, c].filter((e) => e !== first), 10);
  const moved = bal.pick('client', undefined, t + 6_000);
  assert.notEqual(moved, first);
  assert.equal(bal.pick('client', undefined, t + 15_000), moved);
  const after = bal.pick('client', undefined, t + 26_000);
  assert.notEqual(after, moved, 'pin expired after 10 s idle, round robin moves on');
});
