// L4Planner must always equal planL4 of the same state: random sequences of Service and EndpointSlice
// changes (seeded, so a failure replays) are planned incrementally and compared with the whole-state plan
// after every batch; listeners not reported as changed must keep their plan object (backends rely on it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { EndpointsChangeTracker } from '../tracker/endpoints-change-tracker.ts';
import { ServiceChangeTracker } from '../tracker/service-change-tracker.ts';
import { L4Planner } from './l4-planner.ts';
import { planL4 } from './plan-l4.ts';
import type { L4Plan, PlanNode } from './types.ts';
import { mulberry32 } from '../../lib/prng.ts';

const node: PlanNode = { name: 'node-a', addresses: ['127.0.0.1'] };


// Small pools, so that addresses, nodePorts and health check ports collide often. 'a' and 'a-b' sort
// differently as Service keys and as ServicePortNames ('-' < ':').
const NAMES = ['a', 'a-b', 'b', 'web'];
function generator(rnd: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const some = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.3);
  const service = (name: string): V1Service => {
    const type = pick(['ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    const local = rnd() < 0.4;
    const nports = 1 + Math.floor(rnd() * 2);
    return {
      metadata: { namespace: 'ns', name, ...(rnd() < 0.2 ? { annotations: { 'portico.dev/proxy-protocol': pick(['v1', 'v2', 'v3']) } } : {}) },
      spec: {
        type, clusterIP: pick(['127.100.0.1', '127.100.0.2', '127.100.0.3', 'None']), externalIPs: some(['127.100.9.9', '127.100.9.8']),
        externalTrafficPolicy: local ? 'Local' : 'Cluster', internalTrafficPolicy: rnd() < 0.2 ? 'Local' : 'Cluster',
        ...(local ? { healthCheckNodePort: pick([32000, 32001]) } : {}),
        ...(rnd() < 0.2 ? { sessionAffinity: 'ClientIP' } : {}),
        ports: Array.from({ length: nports }, () => ({
          name: pick(['', 'x', 'y']), port: pick([80, 81]), protocol: pick(['TCP', 'TCP', 'UDP', 'SCTP']), nodePort: pick([30080, 30081]),
        })),
      },
      status: { loadBalancer: { ingress: some([{ ip: '127.100.8.8' }, { ip: '203.0.113.7' }]) } },
    };
  };
  const slice = (name: string, svc: string): V1EndpointSlice => ({
    addressType: 'IPv4', metadata: { namespace: 'ns', name, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: some(['127.244.0.1', '127.244.0.2', '127.244.0.3', '127.244.0.4']).map((ip) => ({
      addresses: [ip], nodeName: pick(['node-a', 'node-b']),
      conditions: { ready: rnd() < 0.7, serving: rnd() < 0.5, terminating: rnd() < 0.3 },
    })),
    ports: [{ name: pick(['', 'x', 'y']), port: 8080, protocol: pick(['TCP', 'UDP']) }],
  });
  return { pick, service, slice };
}

// sorted returns a map's entries in key order, for comparing plans whose maps were filled in other orders.
const sorted = <K, V>(m: ReadonlyMap<K, V>): [K, V][] => [...m.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));

function assertSamePlan(got: L4Plan, want: L4Plan, at: string): void {
  assert.deepEqual(sorted(got.listeners), sorted(want.listeners), `listeners after ${at}`);
  assert.deepEqual(sorted(got.healthChecks), sorted(want.healthChecks), `health checks after ${at}`);
  assert.deepEqual(got.problems, want.problems, `problems after ${at}`);
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`L4Planner equals planL4 over random changes (seed ${seed})`, () => {
    const rnd = mulberry32(seed);
    const g = generator(rnd);
    const st = new ServiceChangeTracker();
    const et = new EndpointsChangeTracker({ nodeName: node.name });
    const planner = new L4Planner(node);
    const services = new Map<string, V1Service>();
    const slices = new Map<string, V1EndpointSlice>();
    const inputs = { portsOf: st.portsOf.bind(st), endpointsOf: et.endpointsOf.bind(et) };
    for (let step = 0; step < 150; step++) {
      const ops = 1 + Math.floor(rnd() * 4);
      const log: string[] = [];
      for (let i = 0; i < ops; i++) {
        const r = rnd();
        if (r < 0.45) {
          const s = g.service(g.pick(NAMES));
          const name = s.metadata?.name ?? '';
          st.update(services.get(name), s); services.set(name, s); log.push(`set service ${name}`);
        } else if (r < 0.55) {
          const name = g.pick(NAMES);
          st.update(services.get(name), undefined); services.delete(name); log.push(`delete service ${name}`);
        } else if (r < 0.9) {
          const s = g.slice(g.pick(['s1', 's2', 's3']), g.pick(NAMES));
          const name = s.metadata?.name ?? '';
          et.update(slices.get(name), s); slices.set(name, s); log.push(`set slice ${name}`);
        } else {
          const name = g.pick(['s1', 's2', 's3']);
          et.update(slices.get(name), undefined); slices.delete(name); log.push(`delete slice ${name}`);
        }
      }
      const before = new Map(planner.plan.listeners);
      const beforeHealth = new Map(planner.plan.healthChecks);
      const changes = planner.update(new Set([...st.takeDirty(), ...et.takeDirty()]), inputs);
      const at = `step ${step} (${log.join(', ')})`;
      assertSamePlan(planner.plan, planL4(st.snapshot(), et.snapshot(), node), at);
      for (const [k, lp] of planner.plan.listeners) if (!changes.listeners.has(k)) assert.equal(lp, before.get(k), `${k} changed unreported at ${at}`);
      for (const k of before.keys()) if (!planner.plan.listeners.has(k)) assert.ok(changes.listeners.has(k), `${k} closed unreported at ${at}`);
      for (const [p, h] of planner.plan.healthChecks) if (!changes.healthChecks.has(p)) assert.deepEqual(h, beforeHealth.get(p), `health ${p} at ${at}`);
      for (const p of beforeHealth.keys()) if (!planner.plan.healthChecks.has(p)) assert.ok(changes.healthChecks.has(p), `health ${p} closed unreported at ${at}`);
    }
  });
}

test('L4Planner hands a contested address to the next name when its owner goes away', () => {
  const st = new ServiceChangeTracker();
  const et = new EndpointsChangeTracker({ nodeName: node.name });
  const planner = new L4Planner(node);
  const inputs = { portsOf: st.portsOf.bind(st), endpointsOf: et.endpointsOf.bind(et) };
  const svc = (name: string, clusterIP: string): V1Service => ({
    metadata: { namespace: 'ns', name }, spec: { clusterIP, externalIPs: ['127.100.9.9'], ports: [{ port: 80, protocol: 'TCP' }] },
  });
  const vip = '127.100.9.9';
  st.update(undefined, svc('web', '127.100.0.1'));
  st.update(undefined, svc('api', '127.100.0.2'));
  planner.update(st.takeDirty(), inputs);
  assert.equal(planner.plan.listeners.get(`TCP/${vip}/80` as never)?.portName, 'ns/api:/TCP');
  assert.deepEqual(planner.problemsOf('ns/web' as never).map((p) => p.reason), ['NoEndpoints', 'PortConflict']);
  st.update(svc('api', '127.100.0.2'), undefined);
  const changes = planner.update(st.takeDirty(), inputs);
  assert.equal(planner.plan.listeners.get(`TCP/${vip}/80` as never)?.portName, 'ns/web:/TCP');
  assert.deepEqual([...changes.listeners].sort(), ['TCP/127.100.0.2/80', `TCP/${vip}/80`]);
  assert.deepEqual([...changes.services].sort(), ['ns/api', 'ns/web']);
  assert.deepEqual(planner.problemsOf('ns/web' as never).map((p) => p.reason), ['NoEndpoints']);
});
