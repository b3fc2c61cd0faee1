import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorBody } from '../../lib/errors.ts';
import { byKind } from '../scheme.ts';
import { strategyFor } from '../strategies.ts';
import type { KubeObject } from '../types.ts';

const svcStrategy = (() => { const i = byKind('', 'v1', 'Service'); assert.ok(i); return strategyFor(i); })();
const render = (errs: ReturnType<typeof svcStrategy.validate>): string[] => errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);

function svc(spec: Record<string, unknown>, name = 'hdls'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}
function create(o: KubeObject): string[] {
  svcStrategy.default(o);
  svcStrategy.prepareForCreate(o);
  return render(svcStrategy.validate(o));
}

const DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

const createCases = [
  { desc: 'seed: simple service', in: svc({ ports: [{ port: 8080, targetPort: 8000 }], selector: { app: 'hdls' } }), want: [] },
  { desc: 'seed: headless', in: svc({ ports: [{ port: 8080, targetPort: 8000 }], clusterIP: 'None', selector: { app: 'hdls' } }), want: [] },
  { desc: 'seed: nodePort 8000 is a valid port (range is the allocator\'s)', in: svc({ type: 'NodePort', ports: [{ port: 8080, targetPort: 8000, nodePort: 8000 }] }), want: [] },
  { desc: 'seed: clusterIP 100.69.175.1 is a valid IP (CIDR is the allocator\'s)', in: svc({ clusterIP: '100.69.175.1', ports: [{ port: 8080, protocol: 'TCP', targetPort: 80 }] }), want: [] },
  { desc: 'name must be DNS-1035', in: svc({ ports: [{ port: 80 }] }, '1svc'), want: [`metadata.name: Invalid value: "1svc": ${DNS1035}`] },
  { desc: 'ports required', in: svc({}), want: ['spec.ports: Required value'] },
  { desc: 'port 0 and 70000', in: svc({ ports: [{ name: 'a', port: 0, targetPort: 1 }, { name: 'b', port: 70000 }] }),
    want: [`spec.ports[0].port: Invalid value: 0: ${PORT_RANGE}`, `spec.ports[1].port: Invalid value: 70000: ${PORT_RANGE}`, `spec.ports[1].targetPort: Invalid value: 70000: ${PORT_RANGE}`] },
  { desc: 'protocol not supported', in: svc({ ports: [{ port: 53, protocol: 'ICMP' }] }), want: ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'] },
  { desc: 'names required with two ports', in: svc({ ports: [{ port: 80 }, { port: 443, name: 'https' }] }), want: ['spec.ports[0].name: Required value'] },
  { desc: 'duplicate port names', in: svc({ ports: [{ port: 80, name: 'web' }, { port: 81, name: 'web' }] }), want: ['spec.ports[1].name: Duplicate value: "web"'] },
  { desc: 'duplicate port+protocol', in: svc({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }), want: ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'] },
  { desc: 'same port different protocol is fine', in: svc({ ports: [{ port: 53, name: 'dns', protocol: 'UDP' }, { port: 53, name: 'dns-tcp', protocol: 'TCP' }] }), want: [] },
  { desc: 'named targetPort invalid', in: svc({ ports: [{ port: 80, targetPort: 'Http_Port' }] }),
    want: ['spec.ports[0].targetPort: Invalid value: "Http_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
  { desc: 'nodePort on ClusterIP forbidden', in: svc({ ports: [{ port: 80, nodePort: 30080 }] }), want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  { desc: 'nodePort range is left to the allocator', in: svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] }), want: [] },
  { desc: 'duplicate nodePort', in: svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }), want: ['spec.ports[1].nodePort: Duplicate value: 30080'] },
  { desc: 'internalTrafficPolicy not supported', in: svc({ internalTrafficPolicy: 'Node', ports: [{ port: 80 }] }), want: ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'] },
  { desc: 'bad clusterIP', in: svc({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }), want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { desc: 'headless NodePort', in: svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"] },
  { desc: 'ExternalName ok', in: svc({ type: 'ExternalName', externalName: 'db.example.com.' }), want: [] },
  { desc: 'ExternalName requires externalName', in: svc({ type: 'ExternalName' }), want: ['spec.externalName: Required value'] },
  { desc: 'ExternalName with clusterIP', in: svc({ type: 'ExternalName', externalName: 'x.example.com', clusterIP: '10.0.0.1' }), want: ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'] },
  { desc: 'type not supported', in: svc({ type: 'Foo', ports: [{ port: 80 }] }), want: ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
  { desc: 'affinity not supported', in: svc({ sessionAffinity: 'ClusterIP', ports: [{ port: 80 }] }), want: ['spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"'] },
  { desc: 'ClientIP timeout too large', in: svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } }, ports: [{ port: 80 }] }),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'] },
  { desc: 'externalTrafficPolicy on ClusterIP', in: svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }), want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'] },
  { desc: 'bad externalIP', in: svc({ externalIPs: ['1.2.3'], ports: [{ port: 80 }] }), want: ['spec.externalIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { desc: 'loadBalancerSourceRanges on ClusterIP', in: svc({ loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] }), want: ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"] },
  { desc: 'bad selector label', in: svc({ selector: { 'app:x': 'y' }, ports: [{ port: 80 }] }),
    want: ["spec.selector: Invalid value: \"app:x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"] },
  { desc: 'clusterIPs not matching clusterIP', in: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.2'], ports: [{ port: 80 }] }), want: ['spec.clusterIPs: Invalid value: []string{"10.0.0.2"}: first value must match `clusterIP`'] },
];
for (const c of createCases) test(`create: ${c.desc}`, () => assert.deepEqual(create(c.in), c.want));

test('defaults: ClusterIP, None affinity, TCP, targetPort := port, families', () => {
  const o = svc({ ports: [{ port: 80 }] });
  svcStrategy.default(o);
  svcStrategy.prepareForCreate(o);
  assert.deepEqual(o.spec, { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], sessionAffinity: 'None', type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] });
  assert.deepEqual(o.status, { loadBalancer: {} });
});

test('defaults: ClientIP timeout 10800, LoadBalancer policies', () => {
  const o = svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  svcStrategy.default(o);
  const s = o.spec as Record<string, unknown>;
  assert.deepEqual(s.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(s.externalTrafficPolicy, 'Cluster');
  assert.equal(s.allocateLoadBalancerNodePorts, true);
});

function allocated(spec: Record<string, unknown>): KubeObject {
  const o = svc(spec);
  svcStrategy.default(o);
  svcStrategy.prepareForCreate(o);
  return o;
}
function update(old: KubeObject, next: KubeObject): string[] {
  svcStrategy.default(next);
  svcStrategy.prepareForUpdate(next, old);
  return render(svcStrategy.validateUpdate(next, old));
}

const updateCases = [
  { desc: 'clusterIP change refused', old: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] }, next: { clusterIP: '10.0.0.2', ports: [{ port: 80 }] },
    want: ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.2"}: may not change once set'] },
  { desc: 'clusterIP omitted on replace is kept', old: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] }, next: { ports: [{ port: 80 }] }, want: [] },
  { desc: 'to ExternalName drops clusterIP', old: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] }, next: { type: 'ExternalName', externalName: 'a.example.com', clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] }, want: [] },
  { desc: 'from ExternalName to ClusterIP with new IP', old: { type: 'ExternalName', externalName: 'a.example.com' }, next: { clusterIP: '10.0.0.9', ports: [{ port: 80 }] }, want: [] },
  { desc: 'nodePort kept when omitted', old: { type: 'NodePort', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30080 }] }, next: { type: 'NodePort', ports: [{ port: 80 }] }, want: [] },
];
for (const c of updateCases) {
  test(`update: ${c.desc}`, () => {
    const old = allocated(c.old);
    const next = svc(c.next);
    assert.deepEqual(update(old, next), c.want);
  });
}

test('update: replace keeps nodePort and clusterIPs', () => {
  const old = allocated({ type: 'NodePort', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30080 }] });
  const next = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  update(old, next);
  const s = next.spec as { clusterIPs: string[]; ports: Array<{ nodePort: number }> };
  assert.deepEqual(s.clusterIPs, ['10.0.0.1']);
  assert.equal(s.ports[0]?.nodePort, 30080);
});
