// Service allocation through the registry: explicit and automatic values, range errors, sharing,
// releases, type transitions and the repair pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { apiError, setup, SERVICES, svc } from '../registry/test-helpers.ts';
import type { FakeIPAllocator, FakePortAllocator } from '../registry/fake-deps.ts';

function spec(o: KubeObject): NonNullable<V1Service['spec']> { return (o as V1Service).spec ?? {}; }

const createCases = [
  { desc: 'ClusterIP gets the next free IP', in: svc('a'), want: { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' } },
  { desc: 'explicit clusterIP is honoured', in: svc('a', { clusterIP: '10.96.0.10' }), want: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] } },
  { desc: 'headless allocates nothing', in: svc('a', { clusterIP: 'None' }), want: { clusterIP: 'None' } },
  { desc: 'ExternalName allocates nothing', in: svc('a', { type: 'ExternalName', externalName: 'x.example.com' }), want: { clusterIP: undefined } },
  { desc: 'NodePort gets a nodePort per port', in: svc('a', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] }), want: { ports: [{ name: 'a', port: 80, nodePort: 30000 }, { name: 'b', port: 81, nodePort: 30001 }] } },
  { desc: 'explicit nodePort is honoured', in: svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30050 }] }), want: { ports: [{ port: 80, nodePort: 30050 }] } },
  { desc: 'TCP and UDP on one port number share a nodePort', in: svc('a', { type: 'NodePort', ports: [{ name: 't', port: 53, protocol: 'TCP', nodePort: 30053 }, { name: 'u', port: 53, protocol: 'UDP', nodePort: 30053 }] }),
    want: { ports: [{ name: 't', port: 53, protocol: 'TCP', nodePort: 30053 }, { name: 'u', port: 53, protocol: 'UDP', nodePort: 30053 }] } },
  { desc: 'LoadBalancer Local gets a healthCheckNodePort', in: svc('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }), want: { healthCheckNodePort: 30001, ports: [{ port: 80, nodePort: 30000 }] } },
];

for (const c of createCases) {
  test(`allocate on create: ${c.desc}`, async () => {
    const { reg } = await setup();
    const out = spec(await reg.create(SERVICES, 'default', c.in));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual((out as Record<string, unknown>)[k], v, k);
  });
}

const rejectCases = [
  { desc: 'clusterIP out of range', in: svc('a', { clusterIP: '100.69.175.1' }),
    want: 'Service "a" is invalid: spec.clusterIPs: Invalid value: ["100.69.175.1"]: failed to allocate IP 100.69.175.1: the provided IP (100.69.175.1) is not in the valid range. The range of valid IPs is 10.96.0.0/24' },
  { desc: 'nodePort out of range', in: svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 8000 }] }),
    want: 'Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 8000: provided port is not in the valid range. The range of valid ports is 30000-30099' },
];

for (const c of rejectCases) {
  test(`refuse on create: ${c.desc}, nothing stored or held`, async () => {
    const { reg, store, deps: _deps } = await setup();
    const before = store.currentRevision();
    const e = await apiError(reg.create(SERVICES, 'default', c.in));
    assert.equal(e.code, 422);
    assert.equal(e.message, c.want);
    assert.equal(store.currentRevision(), before);
    assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, 0);
    assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
  });
}

test('duplicate explicit clusterIP and nodePort are refused', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('a', { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30005 }] }));
  const ip = await apiError(reg.create(SERVICES, 'default', svc('b', { clusterIP: '10.96.0.5' })));
  assert.equal(ip.message, 'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.5"]: failed to allocate IP 10.96.0.5: provided IP is already allocated');
  const np = await apiError(reg.create(SERVICES, 'default', svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] })));
  assert.equal(np.message, 'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 30005: provided port is already allocated');
  assert.deepEqual([...(reg.serviceIPs() as FakeIPAllocator).used], ['10.96.0.5'], 'c\'s clusterIP given back');
});

test('a failed store write gives back the allocations', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('a', { clusterIP: '10.96.0.7' }));
  await apiError(reg.create(SERVICES, 'default', svc('a', { type: 'NodePort' })));
  assert.deepEqual([...(reg.serviceIPs() as FakeIPAllocator).used], ['10.96.0.7']);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
});

test('dryRun allocates nothing', async () => {
  const { reg } = await setup();
  const out = await reg.create(SERVICES, 'default', svc('a', { type: 'NodePort' }), { dryRun: true });
  assert.equal(spec(out).clusterIP, '10.96.0.1');
  assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, 0);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
});

test('delete releases the clusterIP and nodePorts', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('a', { type: 'NodePort' }));
  await reg.delete(SERVICES, 'default', 'a');
  assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, 0);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
});

const transitions = [
  { desc: 'ClusterIP → NodePort allocates nodePorts', from: { type: 'ClusterIP' }, to: { type: 'NodePort' }, wantIPs: 1, wantPorts: [30000], wantNodePort: 30000 },
  { desc: 'NodePort → ClusterIP releases nodePorts', from: { type: 'NodePort' }, to: { type: 'ClusterIP' }, wantIPs: 1, wantPorts: [], wantNodePort: undefined },
  { desc: 'NodePort → NodePort keeps omitted nodePorts', from: { type: 'NodePort' }, to: { type: 'NodePort' }, wantIPs: 1, wantPorts: [30000], wantNodePort: 30000 },
  { desc: 'ClusterIP → ExternalName releases the clusterIP', from: { type: 'ClusterIP' }, to: { type: 'ExternalName', externalName: 'x.example.com' }, wantIPs: 0, wantPorts: [], wantNodePort: undefined },
  { desc: 'ExternalName → ClusterIP allocates a clusterIP', from: { type: 'ExternalName', externalName: 'x.example.com' }, to: { type: 'ClusterIP' }, wantIPs: 1, wantPorts: [], wantNodePort: undefined },
];

for (const c of transitions) {
  test(`update: ${c.desc}`, async () => {
    const { reg } = await setup();
    const created = await reg.create(SERVICES, 'default', svc('a', c.from));
    // A client-side apply sends the manifest again: no clusterIP, no nodePort.
    const next = svc('a', c.to, { resourceVersion: created.metadata?.resourceVersion });
    const out = await reg.update(SERVICES, 'default', 'a', next);
    assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, c.wantIPs);
    assert.deepEqual([...(reg.nodePorts() as FakePortAllocator).used], c.wantPorts);
    assert.equal(spec(out).ports?.[0]?.nodePort, c.wantNodePort);
    if (c.wantIPs) assert.equal(spec(out).clusterIP, '10.96.0.1');
  });
}

test('repair: a new registry over the same store knows every allocation', async () => {
  const first = await setup();
  await first.reg.create(SERVICES, 'default', svc('a', { type: 'NodePort' }));
  await first.reg.create(SERVICES, 'default', svc('b', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
  const second = await setup({ store: first.store });
  assert.deepEqual([...(second.reg.serviceIPs() as FakeIPAllocator).used].sort(), ['10.96.0.1', '10.96.0.2']);
  assert.deepEqual([...(second.reg.nodePorts() as FakePortAllocator).used].sort(), [30000, 30001, 30002]);
  const c = await second.reg.create(SERVICES, 'default', svc('c', { type: 'NodePort' }));
  assert.equal(spec(c).clusterIP, '10.96.0.3');
  assert.equal(spec(c).ports?.[0]?.nodePort, 30003);
});

test('a Service waiting on finalizers keeps its allocations until the last one is removed', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('a', { type: 'NodePort' }, { finalizers: ['example.com/x'] }));
  await reg.delete(SERVICES, 'default', 'a');
  assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, 1);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 1);
  await reg.patch(SERVICES, 'default', 'a', 'merge', { metadata: { finalizers: null } });
  assert.equal((reg.serviceIPs() as FakeIPAllocator).used.size, 0);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
});

test('update that fails validation gives back what it allocated', async () => {
  const { reg } = await setup();
  await reg.create(SERVICES, 'default', svc('a'));
  const e = await apiError(reg.update(SERVICES, 'default', 'a', svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 9 }] })));
  assert.equal(e.code, 422);
  assert.equal((reg.nodePorts() as FakePortAllocator).used.size, 0);
  assert.equal(spec(await reg.get(SERVICES, 'default', 'a')).type, 'ClusterIP');
});
