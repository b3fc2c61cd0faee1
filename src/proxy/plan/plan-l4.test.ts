// planL4 tables: Services and endpoints in, listeners (as "KEY role -> endpoints") and problems out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiscoveryV1EndpointPort, V1EndpointConditions, V1EndpointSlice, V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { EndpointsChangeTracker } from '../tracker/endpoints-change-tracker.ts';
import { ServiceChangeTracker } from '../tracker/service-change-tracker.ts';
import { planL4 } from './plan-l4.ts';
import type { PlanNode } from './types.ts';

const node: PlanNode = { name: 'node-a', addresses: ['127.0.0.1'] };

function svc(spec: Partial<V1ServiceSpec>, extra: Partial<V1Service> = {}): V1Service {
  return { metadata: { namespace: 'ns', name: 'web' }, spec: { type: 'ClusterIP', clusterIP: '127.100.0.1', ports: [{ port: 80, protocol: 'TCP' }], ...spec }, ...extra };
}
type Ep = { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean };
function slice(eps: Ep[], ports: DiscoveryV1EndpointPort[] = [{ port: 8080, protocol: 'TCP' }]): V1EndpointSlice {
  return {
    addressType: 'IPv4', metadata: { namespace: 'ns', name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: eps.map((e) => {
      const conditions: V1EndpointConditions = {};
      if (e.ready !== undefined) conditions.ready = e.ready;
      if (e.serving !== undefined) conditions.serving = e.serving;
      if (e.terminating !== undefined) conditions.terminating = e.terminating;
      return { addresses: [e.ip], nodeName: e.node ?? 'node-a', conditions };
    }),
    ports,
  };
}

// render turns a plan into lines that read like a table.
function render(services: V1Service[], slices: V1EndpointSlice[]): { listeners: string[]; problems: string[] } {
  const st = new ServiceChangeTracker();
  const et = new EndpointsChangeTracker({ nodeName: node.name });
  for (const s of services) st.update(undefined, s);
  for (const s of slices) et.update(undefined, s);
  const plan = planL4(st.snapshot(), et.snapshot(), node);
  const listeners = [...plan.listeners.values()].map((l) =>
    `${l.key} ${l.role} -> ${l.endpoints.map((e) => `${e.ip}:${e.port}`).join(',') || `(${l.whenEmpty})`}${l.affinityTimeoutSeconds ? ` affinity=${l.affinityTimeoutSeconds}` : ''}${l.proxyProtocol ? ` pp=${l.proxyProtocol}` : ''}`);
  const problems = plan.problems.map((p) => `${p.reason}: ${p.message}`);
  for (const h of plan.healthChecks.values()) listeners.push(`health ${h.port} local=${h.localEndpoints}`);
  return { listeners, problems };
}

const two = [{ ip: '127.244.0.1' }, { ip: '127.244.0.2', node: 'node-b' }];
const cases: { desc: string; in: { services: V1Service[]; slices: V1EndpointSlice[] }; want: { listeners: string[]; problems?: string[] } }[] = [
  { desc: 'ClusterIP service with two ready endpoints', in: { services: [svc({})], slices: [slice(two)] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080'] } },
  { desc: 'no endpoints: a rejecting listener and a NoEndpoints problem', in: { services: [svc({})], slices: [] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> (reject)'], problems: ['NoEndpoints: port 80/TCP has no endpoints'] } },
  { desc: 'not-ready endpoints are skipped', in: { services: [svc({})], slices: [slice([{ ip: '127.244.0.1', ready: false }, { ip: '127.244.0.2' }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.2:8080'] } },
  { desc: 'serving-terminating endpoints only when none is ready',
    in: { services: [svc({})], slices: [slice([{ ip: '127.244.0.1', ready: false, serving: true, terminating: true }, { ip: '127.244.0.2', ready: false, serving: false, terminating: true }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080'] } },
  { desc: 'NodePort listens on clusterIP and on the node address',
    in: { services: [svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] })], slices: [slice(two)] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080', 'TCP/127.0.0.1/30080 nodePort -> 127.244.0.1:8080,127.244.0.2:8080'] } },
  { desc: 'externalTrafficPolicy Local: external listeners get local endpoints, clusterIP all; health check counts local',
    in: { services: [svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, externalIPs: ['127.100.9.9'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
      { status: { loadBalancer: { ingress: [{ ip: '127.100.8.8' }, { ip: '203.0.113.7' }] } } })], slices: [slice(two)] },
    want: { listeners: [
      'TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080', 'TCP/127.100.9.9/80 externalIP -> 127.244.0.1:8080',
      'TCP/127.100.8.8/80 loadBalancer -> 127.244.0.1:8080', 'TCP/127.0.0.1/30080 nodePort -> 127.244.0.1:8080', 'health 32000 local=1'] } },
  { desc: 'internalTrafficPolicy Local with no local endpoint drops (endpoints elsewhere)',
    in: { services: [svc({ internalTrafficPolicy: 'Local' })], slices: [slice([{ ip: '127.244.0.2', node: 'node-b' }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> (drop)'] } },
  { desc: 'internalTrafficPolicy Local with no endpoint anywhere rejects',
    in: { services: [svc({ internalTrafficPolicy: 'Local' })], slices: [slice([{ ip: '127.244.0.2', node: 'node-b', ready: false, serving: false }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> (reject)'] } },
  { desc: 'externalTrafficPolicy Local, none local: NodePort drops, clusterIP still serves',
    in: { services: [svc({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] })], slices: [slice([{ ip: '127.244.0.2', node: 'node-b' }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.2:8080', 'TCP/127.0.0.1/30080 nodePort -> (drop)'] } },
  { desc: 'headless and ExternalName services get nothing',
    in: { services: [svc({ clusterIP: 'None' }), svc({ type: 'ExternalName', externalName: 'example.com', clusterIP: '' }, { metadata: { namespace: 'ns', name: 'ext' } })], slices: [slice(two)] },
    want: { listeners: [] } },
  { desc: 'SCTP is reported, TCP beside it still served',
    in: { services: [svc({ ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 's', port: 90, protocol: 'SCTP' }] })], slices: [slice(two, [{ name: 'a', port: 8080, protocol: 'TCP' }])] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080'],
      problems: ['UnsupportedProtocol: port 90/SCTP: SCTP is not supported by the userspace proxy'] } },
  { desc: 'ClientIP affinity (default timeout) and PROXY protocol annotation',
    in: { services: [svc({ sessionAffinity: 'ClientIP' }, { metadata: { namespace: 'ns', name: 'web', annotations: { 'portico.dev/proxy-protocol': 'v2' } } })], slices: [slice(two)] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080 affinity=10800 pp=v2'] } },
  { desc: 'a bad PROXY protocol annotation is reported and ignored',
    in: { services: [svc({}, { metadata: { namespace: 'ns', name: 'web', annotations: { 'portico.dev/proxy-protocol': 'v3' } } })], slices: [slice(two)] },
    want: { listeners: ['TCP/127.100.0.1/80 clusterIP -> 127.244.0.1:8080,127.244.0.2:8080'],
      problems: ['InvalidAnnotation: portico.dev/proxy-protocol must be "v1" or "v2"; sending no PROXY header'] } },
  { desc: 'two Services on one external IP and port: the first name keeps it',
    in: { services: [svc({ externalIPs: ['127.100.9.9'] }), svc({ clusterIP: '127.100.0.2', externalIPs: ['127.100.9.9'] }, { metadata: { namespace: 'ns', name: 'api' } })], slices: [] },
    want: { listeners: ['TCP/127.100.0.2/80 clusterIP -> (reject)', 'TCP/127.100.9.9/80 externalIP -> (reject)', 'TCP/127.100.0.1/80 clusterIP -> (reject)'],
      problems: ['NoEndpoints: port 80/TCP has no endpoints', 'NoEndpoints: port 80/TCP has no endpoints', 'PortConflict: TCP 127.100.9.9:80 (externalIP) is already used by ns/api:/TCP'] } },
];

for (const c of cases) {
  test(c.desc, () => {
    const got = render(c.in.services, c.in.slices);
    assert.deepEqual(got.listeners, c.want.listeners);
    assert.deepEqual(got.problems, c.want.problems ?? []);
  });
}
