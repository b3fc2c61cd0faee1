import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../lib/errors.ts';
import { parseFieldSelector } from './fields.ts';
import type { KubeObject } from './types.ts';

const POD = { group: '', kind: 'Pod' };
const pod: KubeObject = { metadata: { name: 'p1', namespace: 'default' }, spec: { nodeName: 'n1', restartPolicy: 'Always' }, status: { phase: 'Running', podIP: '127.244.0.3' } };
const event: KubeObject = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p1' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' } };

const cases = [
  { desc: 'name', gk: POD, in: 'metadata.name=p1', obj: pod, want: true },
  { desc: 'namespace mismatch', gk: POD, in: 'metadata.namespace=kube-system', obj: pod, want: false },
  { desc: 'nodeName and phase', gk: POD, in: 'spec.nodeName=n1,status.phase!=Pending', obj: pod, want: true },
  { desc: 'podIP', gk: POD, in: 'status.podIP==127.244.0.3', obj: pod, want: true },
  { desc: 'event involvedObject', gk: { group: '', kind: 'Event' }, in: 'involvedObject.name=p1,involvedObject.kind=Pod,source=kubelet', obj: event, want: true },
  { desc: 'empty selects all', gk: POD, in: '', obj: pod, want: true },
];
for (const c of cases) test(c.desc, () => assert.equal(parseFieldSelector(c.in, c.gk).matches(c.obj), c.want));

const errorCases = [
  { desc: 'unsupported label', gk: { group: '', kind: 'Service' }, in: 'spec.nodeName=x', want: 'field label not supported: spec.nodeName' },
  { desc: 'no operator', gk: POD, in: 'metadata.name', want: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
];
for (const c of errorCases) {
  test(`error: ${c.desc}`, () => assert.throws(() => parseFieldSelector(c.in, c.gk), (e: unknown) => isApiError(e) && e.code === 400 && e.message === c.want));
}

test('exact returns a pinned value', () => {
  assert.equal(parseFieldSelector('metadata.name=p1', POD).exact('metadata.name'), 'p1');
  assert.equal(parseFieldSelector('metadata.name!=p1', POD).exact('metadata.name'), undefined);
});
