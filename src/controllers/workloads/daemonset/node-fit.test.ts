// Which nodes a DaemonSet's pod goes to: nodeSelector, required node affinity, taints and tolerations,
// with the node-condition tolerations every daemon pod gets, as kube's DaemonSet controller decides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node, V1PodSpec, V1Taint } from '@kubernetes/client-node';
import { nodeFits, tolerates } from './node-fit.ts';

const node = (name: string, labels: Record<string, string> = {}, taints: V1Taint[] = []): V1Node => ({ metadata: { name, labels }, spec: { taints } });
const spec = (s: Partial<V1PodSpec>): V1PodSpec => ({ containers: [], ...s });
const affinity = (terms: unknown[]): Partial<V1PodSpec> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } });

const cases: { desc: string; node: V1Node; spec: V1PodSpec; want: boolean }[] = [
  { desc: 'no constraints', node: node('a'), spec: spec({}), want: true },
  { desc: 'nodeSelector matches', node: node('a', { disk: 'ssd' }), spec: spec({ nodeSelector: { disk: 'ssd' } }), want: true },
  { desc: 'nodeSelector does not match', node: node('a', { disk: 'hdd' }), spec: spec({ nodeSelector: { disk: 'ssd' } }), want: false },
  { desc: 'affinity In', node: node('a', { zone: 'z1' }), spec: spec(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }])), want: true },
  { desc: 'affinity NotIn excludes', node: node('a', { zone: 'z1' }), spec: spec(affinity([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }] }])), want: false },
  { desc: 'affinity terms are ORed', node: node('a', { zone: 'z3' }), spec: spec(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }])), want: true },
  { desc: 'affinity expressions are ANDed', node: node('a', { zone: 'z1' }), spec: spec(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }, { key: 'gpu', operator: 'Exists' }] }])), want: false },
  { desc: 'affinity Gt on a numeric label', node: node('a', { cores: '16' }), spec: spec(affinity([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }])), want: true },
  { desc: 'affinity matchFields on the node name', node: node('b'), spec: spec(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }])), want: false },
  { desc: 'an empty term matches nothing', node: node('a'), spec: spec(affinity([{}])), want: false },
  { desc: 'an untolerated NoSchedule taint', node: node('a', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), spec: spec({}), want: false },
  { desc: 'a tolerated NoSchedule taint', node: node('a', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), spec: spec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), want: true },
  { desc: 'PreferNoSchedule never keeps a daemon off', node: node('a', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), spec: spec({}), want: true },
  { desc: 'the control-plane taint needs a toleration', node: node('a', {}, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]), spec: spec({}), want: false },
  { desc: 'node conditions are tolerated by every daemon pod', node: node('a', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), spec: spec({}), want: true },
  { desc: 'network-unavailable only with hostNetwork', node: node('a', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), spec: spec({}), want: false },
  { desc: 'network-unavailable tolerated with hostNetwork', node: node('a', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), spec: spec({ hostNetwork: true }), want: true },
];

for (const c of cases) test(`nodeFits: ${c.desc}`, () => assert.equal(nodeFits(c.node, c.spec), c.want));

test('tolerates: Exists with no key tolerates every taint; effect must match when given; Equal compares values', () => {
  const taint: V1Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  assert.equal(tolerates({ operator: 'Exists' }, taint), true);
  assert.equal(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint), false);
  assert.equal(tolerates({ key: 'k', value: 'v' }, taint), true);
  assert.equal(tolerates({ key: 'k', operator: 'Equal', value: 'w' }, taint), false);
});
