// createRegistry with the real dependencies: the messages users see for the seed documents' mistakes,
// real defaulting, strategic merge patches and the legacy Ingress conversion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { createRegistry } from './index.ts';
import { apiError, INGRESS_LEGACY, INGRESS_V1, NAMESPACES, SERVICES, svc } from './test-helpers.ts';

async function real(store = new MemoryStore()) {
  const reg = await createRegistry({ store, serviceCIDR: '127.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  if ((await reg.list(NAMESPACES, undefined)).items.length === 0) {
    await reg.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  }
  return { reg, store };
}

const refusals = [
  { desc: 'clusterIP outside the service CIDR', in: svc('a', { clusterIP: '100.69.175.1' }), code: 422,
    want: 'Service "a" is invalid: spec.clusterIPs: Invalid value: ["100.69.175.1"]: failed to allocate IP 100.69.175.1: the provided IP (100.69.175.1) is not in the valid range. The range of valid IPs is 127.96.0.0/12' },
  { desc: 'nodePort outside the range', in: svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 8000 }] }), code: 422,
    want: 'Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 8000: provided port is not in the valid range. The range of valid ports is 30000-32767' },
  { desc: 'unknown field with Strict validation', in: svc('a', { ports: [{ port: 80, IP: '1.2.3.4' }] }), code: 400,
    want: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].IP"' },
  { desc: 'placeholder name', in: svc('<svc-name>'), code: 422, want: /^Service "<svc-name>" is invalid: metadata.name: Invalid value: "<svc-name>"/ },
];

for (const c of refusals) {
  test(`real registry refuses: ${c.desc}`, async () => {
    const { reg, store } = await real();
    const rev = store.currentRevision();
    const e = await apiError(reg.create(SERVICES, 'default', c.in, { fieldValidation: 'Strict' }));
    assert.equal(e.code, c.code);
    if (typeof c.want === 'string') assert.equal(e.message, c.want); else assert.match(e.message, c.want);
    assert.equal(store.currentRevision(), rev);
  });
}

test('real registry: defaults, allocation in range, strategic patch, repair', async () => {
  const { reg, store } = await real();
  const kube = await reg.create(SERVICES, 'default', svc('kubernetes', { clusterIP: reg.serviceIPs().nth(1), ports: [{ name: 'https', port: 443 }] }));
  assert.equal((kube as V1Service).spec?.clusterIP, '127.96.0.1');
  const out = (await reg.create(SERVICES, 'default', svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }))) as V1Service;
  assert.equal(out.spec?.ports?.[0]?.targetPort, 80);
  assert.ok(reg.serviceIPs().has(out.spec?.clusterIP ?? ''));
  const np = out.spec?.ports?.[0]?.nodePort ?? 0;
  assert.ok(np >= 30000 && np <= 32767);
  const patched = (await reg.patch(SERVICES, 'default', 'web', 'strategic', { spec: { ports: [{ name: 'metrics', port: 9090 }] } })) as V1Service;
  assert.deepEqual(patched.spec?.ports?.map((p) => p.name).sort(), ['http', 'metrics']);
  assert.equal(patched.spec?.ports?.find((p) => p.name === 'http')?.nodePort, np);
  const again = await real(store);
  assert.ok(again.reg.serviceIPs().has('127.96.0.1'));
  assert.ok(again.reg.nodePorts().has(np));
});

test('real registry: legacy Ingress round trip', async () => {
  const { reg } = await real();
  const legacy: KubeObject = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' },
    spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 80 } }] } }] } };
  const out = await reg.create(INGRESS_LEGACY, 'default', legacy, { fieldValidation: 'Strict' });
  assert.equal(out.apiVersion, 'extensions/v1beta1');
  const v1 = await reg.get(INGRESS_V1, 'default', 'web');
  assert.equal(v1.apiVersion, 'networking.k8s.io/v1');
  const back = await reg.get(INGRESS_LEGACY, 'default', 'web');
  const path = (back['spec'] as { rules: Array<{ http: { paths: Array<Record<string, unknown>> } }> }).rules[0]?.http.paths[0];
  assert.deepEqual(path?.['backend'], { serviceName: 'web', servicePort: 80 });
  assert.equal(path?.['pathType'], 'ImplementationSpecific', 'v1beta1 defaults pathType too');
});

const realTransitions = [
  { desc: 'ClusterIP → NodePort', from: { type: 'ClusterIP' }, to: { type: 'NodePort' }, wantIP: true, wantNodePort: true },
  { desc: 'NodePort → ClusterIP', from: { type: 'NodePort' }, to: { type: 'ClusterIP' }, wantIP: true, wantNodePort: false },
  { desc: 'NodePort re-applied without nodePort', from: { type: 'NodePort' }, to: { type: 'NodePort' }, wantIP: true, wantNodePort: true },
  { desc: 'ClusterIP → ExternalName', from: { type: 'ClusterIP' }, to: { type: 'ExternalName', externalName: 'x.example.com' }, wantIP: false, wantNodePort: false },
  { desc: 'ExternalName → ClusterIP', from: { type: 'ExternalName', externalName: 'x.example.com' }, to: { type: 'ClusterIP' }, wantIP: true, wantNodePort: false },
];

for (const c of realTransitions) {
  test(`real registry: re-applying a manifest ${c.desc}`, async () => {
    const { reg } = await real();
    const first = (await reg.create(SERVICES, 'default', svc('a', { ...c.from, ports: [{ name: 'http', port: 80 }] }))) as V1Service;
    const out = (await reg.update(SERVICES, 'default', 'a', svc('a', { ...c.to, ports: [{ name: 'http', port: 80 }] }))) as V1Service;
    const ip = out.spec?.clusterIP;
    assert.equal(Boolean(ip && ip !== 'None'), c.wantIP, `clusterIP ${String(ip)}`);
    if (c.wantIP && first.spec?.clusterIP && first.spec.type !== 'ExternalName') assert.equal(ip, first.spec.clusterIP, 'kept');
    const np = out.spec?.ports?.[0]?.nodePort;
    assert.equal(Boolean(np), c.wantNodePort);
    if (c.wantNodePort && first.spec?.ports?.[0]?.nodePort) assert.equal(np, first.spec.ports[0].nodePort, 'kept');
    const oldNP = first.spec?.ports?.[0]?.nodePort;
    if (oldNP && !c.wantNodePort) assert.equal(reg.nodePorts().has(oldNP), false, 'released');
    const oldIP = first.spec?.clusterIP;
    if (oldIP && !c.wantIP) assert.equal(reg.serviceIPs().has(oldIP), false, 'released');
  });
}
