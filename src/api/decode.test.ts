import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeErrorMessage, decodeErrors } from './decode.ts';
import { modelFor, rootModelName } from './model-schema.ts';

const cases = [
  { desc: 'seed: Endpoints with addresss and IP', apiVersion: 'v1', kind: 'Endpoints',
    in: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hdls' }, subsets: [{ addresss: [{ IP: '1.2.3.4' }], addresses: [{ IP: '1.2.3.4' }], ports: [{ port: 8000 }] }] },
    want: 'Endpoints in version "v1" cannot be handled as a Endpoints: strict decoding error: unknown field "subsets[0].addresss", unknown field "subsets[0].addresses[0].IP"' },
  { desc: 'seed: Service with top-level type', apiVersion: 'v1', kind: 'Service',
    in: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', labels: { app: 'nginx' } }, spec: { clusterIP: '100.69.175.1', ports: [{ port: 8080, protocol: 'TCP', targetPort: 80 }], selector: { app: 'nginx' } }, type: 'ClusterIP' },
    want: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "type"' },
  { desc: 'seed: Service with status-like ingress in spec', apiVersion: 'v1', kind: 'Service',
    in: { spec: { type: 'LoadBalancer', ingress: [{ hostname: '...' }] } },
    want: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ingress"' },
  { desc: 'string where int32 is needed', apiVersion: 'v1', kind: 'Service', in: { spec: { ports: [{ port: '80' }] } },
    want: 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32' },
  { desc: 'float where int32 is needed', apiVersion: 'v1', kind: 'Service', in: { spec: { ports: [{ port: 80.5 }] } },
    want: 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32' },
  { desc: 'object where array is needed', apiVersion: 'v1', kind: 'Service', in: { spec: { ports: { port: 80 } } },
    want: 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort' },
  { desc: 'seed: secret with placeholder data', apiVersion: 'v1', kind: 'Secret', in: { data: { 'tls.crt': '<base64 encoded cert>' } },
    want: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0' },
  { desc: 'targetPort string or int both fine', apiVersion: 'v1', kind: 'Service', in: { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } }, want: undefined },
  { desc: 'labels map of strings', apiVersion: 'v1', kind: 'ConfigMap', in: { metadata: { labels: { a: 1 } } },
    want: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels of type string' },
  { desc: 'legacy ingress fields known', apiVersion: 'extensions/v1beta1', kind: 'Ingress',
    in: { spec: { backend: { serviceName: 'a', servicePort: 80 }, rules: [{ host: 'x', http: { paths: [{ path: '/', backend: { serviceName: 'a', servicePort: 'http' } }] } }] } }, want: undefined },
  { desc: 'legacy ingress unknown field', apiVersion: 'extensions/v1beta1', kind: 'Ingress', in: { spec: { defaultBackend: {} } },
    want: 'Ingress in version "v1beta1" cannot be handled as a Ingress: strict decoding error: unknown field "spec.defaultBackend"' },
  { desc: 'v1 ingress has no serviceName', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', in: { spec: { defaultBackend: { serviceName: 'a' } } },
    want: 'Ingress in version "v1" cannot be handled as a Ingress: strict decoding error: unknown field "spec.defaultBackend.serviceName"' },
  { desc: 'metadata timestamps and any fields', apiVersion: 'v1', kind: 'Pod', in: { metadata: { creationTimestamp: '2024-01-01T00:00:00Z', managedFields: [{ fieldsV1: { 'f:x': {} } }] } }, want: undefined },
];
for (const c of cases) {
  test(c.desc, () => assert.equal(decodeErrorMessage(c.apiVersion, c.kind, decodeErrors(c.apiVersion, c.kind, c.in), true), c.want));
}

test('unknown fields do not fail when not strict', () => {
  const errs = decodeErrors('v1', 'Service', { type: 'x' });
  assert.equal(decodeErrorMessage('v1', 'Service', errs, false), undefined);
  assert.deepEqual(errs.unknown, ['unknown field "type"']);
});

test('every scheme kind has a model', () => {
  for (const [v, k] of [['v1', 'Namespace'], ['v1', 'Node'], ['v1', 'Pod'], ['v1', 'Service'], ['v1', 'Endpoints'], ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Event'],
    ['v1', 'ReplicationController'], ['discovery.k8s.io/v1', 'EndpointSlice'], ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'IngressClass'],
    ['extensions/v1beta1', 'Ingress'], ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['apps/v1', 'DaemonSet'], ['coordination.k8s.io/v1', 'Lease']] as const) {
    const name = rootModelName(v, k);
    assert.ok(name && modelFor(name), `${v} ${k}`);
  }
});
