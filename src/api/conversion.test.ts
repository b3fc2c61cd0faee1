import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingressFromV1, ingressToV1 } from './conversion.ts';
import type { KubeObject } from './types.ts';

const legacy = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec });
const v1 = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec });

const cases = [
  { desc: 'seed: serviceName/servicePort int, pathType defaulted',
    in: legacy({ rules: [{ host: 'hdls.me', http: { paths: [{ path: '/web', backend: { serviceName: 'hdls', servicePort: 8000 } }] } }] }),
    want: v1({ rules: [{ host: 'hdls.me', http: { paths: [{ path: '/web', pathType: 'ImplementationSpecific', backend: { service: { name: 'hdls', port: { number: 8000 } } } }] } }] }) },
  { desc: 'named servicePort and spec.backend',
    in: legacy({ backend: { serviceName: 'def', servicePort: 'http' }, tls: [{ hosts: ['a.example.com'], secretName: 's' }] }),
    want: v1({ defaultBackend: { service: { name: 'def', port: { name: 'http' } } }, tls: [{ hosts: ['a.example.com'], secretName: 's' }] }) },
  { desc: 'explicit pathType kept, resource backend',
    in: legacy({ ingressClassName: 'nginx', rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b', apiGroup: 'x.io' } } }] } }] }),
    want: v1({ ingressClassName: 'nginx', rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b', apiGroup: 'x.io' } } }] } }] }) },
];

for (const c of cases) {
  test(`to v1: ${c.desc}`, () => assert.deepEqual(ingressToV1(c.in), c.want));
  test(`round trip: ${c.desc}`, () => assert.deepEqual(ingressToV1(ingressFromV1(c.want)), c.want));
}

test('from v1 renders serviceName/servicePort', () => {
  const out = ingressFromV1(v1({ defaultBackend: { service: { name: 'a', port: { number: 80 } } } }));
  assert.deepEqual(out.spec, { backend: { serviceName: 'a', servicePort: 80 } });
  assert.equal(out.apiVersion, 'extensions/v1beta1');
});

test('conversion does not mutate its input', () => {
  const inObj = legacy({ backend: { serviceName: 'a', servicePort: 80 } });
  const copy = structuredClone(inObj);
  ingressToV1(inObj);
  assert.deepEqual(inObj, copy);
});
