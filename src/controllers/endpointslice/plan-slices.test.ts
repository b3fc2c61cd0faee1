import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pod, service } from '../testing/fixtures.ts';
import type { EndpointSlice, Pod } from '../shared/types.ts';
import { desiredSliceEndpoints } from './desired-slices.ts';
import { planSlices } from './plan-slices.ts';
import type { SlicePlan } from './plan-slices.ts';

const svc = service();
const ip = (i: number) => `127.244.0.${i}`;
const pods = (from: number, to: number, extra: Partial<Parameters<typeof pod>[0]> = {}): Pod[] =>
  Array.from({ length: to - from + 1 }, (_, k) => pod({ name: `p${from + k}`, ip: ip(from + k), ...extra }));

// existingFrom plans from nothing and names the created slices s0, s1, ... as the API would.
function existingFrom(ps: Pod[], max: number): EndpointSlice[] {
  const plan = planSlices({ service: svc, groups: desiredSliceEndpoints(svc, ps), existing: [], maxPerSlice: max, managedBy: 'm' });
  return plan.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `s${i}`, resourceVersion: '1' } }));
}

// summary renders a plan as counts plus each written slice's endpoint IPs.
function summary(p: SlicePlan): string[] {
  const ips = (s: EndpointSlice) => (s.endpoints ?? []).map((e) => e.addresses[0]?.split('.')[3]).join(',');
  return [
    ...p.create.map((s) => `create [${ips(s)}]`),
    ...p.update.map((s) => `update ${s.metadata?.name} [${ips(s)}]`),
    ...p.delete.map((s) => `delete ${s.metadata?.name}`),
  ];
}

const cases = [
  { desc: 'creates one slice per 100 endpoints', in: { existing: [] as EndpointSlice[], pods: pods(1, 5), max: 2 },
    want: ['create [1,2]', 'create [3,4]', 'create [5]'] },
  { desc: 'no change writes nothing', in: { existing: existingFrom(pods(1, 3), 2), pods: pods(1, 3), max: 2 }, want: [] },
  { desc: 'a new endpoint fills a slice with room', in: { existing: existingFrom(pods(1, 3), 2), pods: pods(1, 4), max: 2 },
    want: ['update s1 [3,4]'] },
  { desc: 'a removed endpoint touches only its slice', in: { existing: existingFrom(pods(1, 4), 2), pods: [...pods(1, 2), ...pods(4, 4)], max: 2 },
    want: ['update s1 [4]'] },
  { desc: 'an emptied slice is deleted', in: { existing: existingFrom(pods(1, 3), 2), pods: pods(1, 2), max: 2 },
    want: ['delete s1'] },
  { desc: 'no endpoints keeps one placeholder slice', in: { existing: existingFrom(pods(1, 3), 2), pods: [] as Pod[], max: 2 },
    want: ['update s0 []', 'delete s1'] },
  { desc: 'a Service without pods gets a placeholder', in: { existing: [] as EndpointSlice[], pods: [] as Pod[], max: 2 }, want: ['create []'] },
  { desc: 'a readiness flip updates the endpoint in place', in: { existing: existingFrom(pods(1, 3), 2), pods: [...pods(1, 2), ...pods(3, 3, { ready: false })], max: 2 },
    want: ['update s1 [3]'] },
];

for (const c of cases) {
  test(`planSlices: ${c.desc}`, () => {
    const plan = planSlices({ service: svc, groups: desiredSliceEndpoints(svc, c.in.pods), existing: c.in.existing, maxPerSlice: c.in.max, managedBy: 'm' });
    assert.deepEqual(summary(plan), c.want);
  });
}

test('planSlices: new slices carry labels, owner and generateName', () => {
  const [s] = planSlices({ service: service({ labels: { team: 'a' } }), groups: desiredSliceEndpoints(svc, pods(1, 1)), existing: [], maxPerSlice: 100, managedBy: 'endpointslice-controller.k8s.io' }).create;
  assert.deepEqual(s?.metadata?.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.equal(s?.metadata?.generateName, 'web-');
  assert.deepEqual(s?.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s?.addressType, 'IPv4');
  assert.deepEqual(s?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('desiredSliceEndpoints: conditions follow readiness and termination', () => {
  const cases2 = [
    { desc: 'ready', in: { ready: true, terminating: false, publish: false }, want: { ready: true, serving: true, terminating: false } },
    { desc: 'not ready', in: { ready: false, terminating: false, publish: false }, want: { ready: false, serving: false, terminating: false } },
    { desc: 'terminating, still ready', in: { ready: true, terminating: true, publish: false }, want: { ready: false, serving: true, terminating: true } },
    { desc: 'publishNotReadyAddresses', in: { ready: false, terminating: true, publish: true }, want: { ready: true, serving: false, terminating: true } },
  ];
  for (const c of cases2) {
    const groups = desiredSliceEndpoints(service({ publishNotReady: c.in.publish }), [pod({ name: 'a', ip: ip(1), ready: c.in.ready, terminating: c.in.terminating })]);
    assert.deepEqual(groups[0]?.endpoints[0]?.conditions, c.want, c.desc);
  }
});

test('desiredSliceEndpoints: different resolved port sets make different groups', () => {
  const named = service({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
  const groups = desiredSliceEndpoints(named, [
    pod({ name: 'a', ip: ip(1), ports: [{ name: 'web', containerPort: 8080 }] }),
    pod({ name: 'b', ip: ip(2), ports: [{ name: 'web', containerPort: 9090 }] }),
    pod({ name: 'c', ip: ip(3) }),
  ]);
  assert.deepEqual(groups.map((g) => [g.ports.map((p) => p.port), g.endpoints.map((e) => e.addresses[0])]), [
    [[8080], [ip(1)]],
    [[9090], [ip(2)]],
  ]);
});
