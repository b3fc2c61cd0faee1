import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import type { Pod } from '../../shared/types.ts';
import { planDaemonSet } from './plan.ts';
import { nodeFits } from './node-fit.ts';

const node = (name: string, labels: Record<string, string> = {}): V1Node => ({ metadata: { name, labels } });
const pod = (name: string, nodeName: string, hash = 'new', ready = true, created = '2026-01-01T00:00:00Z'): Pod => ({
  metadata: { name, labels: { h: hash }, creationTimestamp: created as unknown as Date },
  spec: { nodeName, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const base = { fits: (n: V1Node) => nodeFits(n, undefined), hash: 'new', hashOf: (p: Pod) => p.metadata?.labels?.['h'] ?? '', isReady: (p: Pod) => p.status?.conditions?.[0]?.status === 'True', onDelete: false, maxUnavailable: 1 };

const cases = [
  { desc: 'a pod for every node without one', in: { nodes: [node('a'), node('b')], pods: [pod('p1', 'a')] }, want: { create: ['b'], remove: [] as string[], desired: 2, updated: 1 } },
  { desc: 'nodeSelector: only matching nodes; a pod on a node that stopped matching goes', in: { nodes: [node('a', { x: 'y' }), node('b')], pods: [pod('p1', 'b')], fits: (n: V1Node) => nodeFits(n, { containers: [], nodeSelector: { x: 'y' } }) }, want: { create: ['a'], remove: ['p1'], desired: 1, updated: 0 } },
  { desc: 'duplicates on one node: keep the updated ready one', in: { nodes: [node('a')], pods: [pod('old', 'a', 'old'), pod('cur', 'a')] }, want: { create: [], remove: ['old'], desired: 1, updated: 1 } },
  { desc: 'rolling update: one ready old pod at a time', in: { nodes: [node('a'), node('b')], pods: [pod('p1', 'a', 'old'), pod('p2', 'b', 'old')] }, want: { create: [], remove: ['p1'], desired: 2, updated: 0 } },
  { desc: 'rolling update waits while a node lacks a ready pod', in: { nodes: [node('a'), node('b')], pods: [pod('p1', 'a', 'old'), pod('p2', 'b', 'new', false)] }, want: { create: [], remove: [], desired: 2, updated: 1 } },
  { desc: 'an unready old pod is replaced at once', in: { nodes: [node('a'), node('b')], pods: [pod('p1', 'a', 'old', false), pod('p2', 'b', 'old', false)] }, want: { create: [], remove: ['p1', 'p2'], desired: 2, updated: 0 } },
  { desc: 'OnDelete: old pods stay', in: { nodes: [node('a')], pods: [pod('p1', 'a', 'old')], onDelete: true }, want: { create: [], remove: [], desired: 1, updated: 0 } },
  { desc: 'a node being deleted gets no pod', in: { nodes: [{ metadata: { name: 'a', deletionTimestamp: new Date() } }], pods: [] }, want: { create: [], remove: [], desired: 0, updated: 0 } },
];

for (const c of cases) {
  test(`planDaemonSet: ${c.desc}`, () => {
    const plan = planDaemonSet({ ...base, ...c.in });
    assert.deepEqual(plan.create, c.want.create);
    assert.deepEqual(plan.remove.map((p) => p.metadata?.name).sort(), c.want.remove);
    assert.equal(plan.status.desiredNumberScheduled, c.want.desired);
    assert.equal(plan.status.updatedNumberScheduled, c.want.updated);
  });
}
