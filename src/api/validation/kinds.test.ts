import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorBody } from '../../lib/errors.ts';
import { toStorage } from '../conversion.ts';
import { byKind, parseApiVersion } from '../scheme.ts';
import { strategyFor } from '../strategies.ts';
import type { KubeObject } from '../types.ts';

// create runs default → prepareForCreate → validate on a served object, as the registry does.
function create(o: KubeObject): string[] {
  const { group, version } = parseApiVersion(o.apiVersion ?? '');
  const info = byKind(group, version, o.kind ?? '');
  assert.ok(info, `${o.apiVersion} ${o.kind}`);
  const obj = toStorage(o.apiVersion ?? '', o.kind ?? '', structuredClone(o));
  const s = strategyFor(info);
  s.default(obj);
  s.prepareForCreate(obj);
  return s.validate(obj).map((e) => `${e.field}: ${fieldErrorBody(e)}`);
}

const meta = (name: string, namespace: string | undefined = 'default'): Record<string, unknown> => (namespace ? { name, namespace } : { name });
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const pod = (spec: Record<string, unknown>, name = 'hdls-pod'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name), spec });
const ctr = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'c', image: 'nginx', ...extra });
const legacyIngress = (name: string, backend: Record<string, unknown>): KubeObject => ({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta(name),
  spec: { rules: [{ host: 'hdls.me', http: { paths: [{ path: '/web', backend }] } }] } });
const template = (labels: Record<string, string>): Record<string, unknown> => ({ metadata: { labels }, spec: { containers: [ctr()] } });

const cases: Array<{ desc: string; in: KubeObject; want: string[] }> = [
  // metadata
  { desc: 'name required', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } }, want: ['metadata.name: Required value: name or generateName is required'] },
  { desc: 'namespace required for namespaced kinds', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, want: ['metadata.namespace: Required value'] },
  { desc: 'namespace forbidden on Node', in: { apiVersion: 'v1', kind: 'Node', metadata: meta('n1') }, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { desc: 'bad label value', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta('x'), labels: { app: 'a b' } } },
    want: ["metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"] },
  { desc: 'owner reference without uid', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta('x'), ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }] } },
    want: ['metadata.ownerReferences[0].uid: Invalid value: "": must not be empty'] },
  // pods
  { desc: 'seed: hostPort pod', in: pod({ containers: [ctr({ ports: [{ containerPort: 8000, hostPort: 8000 }] })] }), want: [] },
  { desc: 'seed: hostNetwork pod (hostPort defaults to containerPort)', in: pod({ hostNetwork: true, containers: [ctr({ ports: [{ containerPort: 8000 }] })] }), want: [] },
  { desc: 'hostNetwork with different hostPort', in: pod({ hostNetwork: true, containers: [ctr({ ports: [{ containerPort: 8000, hostPort: 9000 }] })] }),
    want: ['spec.containers[0].ports[0].containerPort: Invalid value: 8000: must match `hostPort` when `hostNetwork` is true'] },
  { desc: 'containers required', in: pod({ containers: [] }), want: ['spec.containers: Required value'] },
  { desc: 'container name, image, port', in: pod({ containers: [{ name: 'Web', ports: [{ containerPort: 70000 }] }, ctr({ name: 'c' }), ctr({ name: 'c' })] }),
    want: [`spec.containers[0].name: Invalid value: "Web": ${LABEL}`, 'spec.containers[0].image: Required value', `spec.containers[0].ports[0].containerPort: Invalid value: 70000: ${PORT_RANGE}`, 'spec.containers[2].name: Duplicate value: "c"'] },
  { desc: 'restartPolicy not supported', in: pod({ restartPolicy: 'Sometimes', containers: [ctr()] }), want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
  { desc: 'probe without handler', in: pod({ containers: [ctr({ readinessProbe: { periodSeconds: 5 } })] }), want: ['spec.containers[0].readinessProbe: Required value: must specify a handler type'] },
  { desc: 'bad env name', in: pod({ containers: [ctr({ env: [{ name: '1X', value: 'y' }] })] }),
    want: ["spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"] },
  { desc: 'volumeMount names a missing volume', in: pod({ volumes: [{ name: 'cfg', configMap: { name: 'c' } }], containers: [ctr({ volumeMounts: [{ name: 'cfg', mountPath: '/etc/c' }, { name: 'data', mountPath: '/data' }] })] }),
    want: ['spec.containers[0].volumeMounts[1].name: Not found: "data"'] },
  // endpoints
  { desc: 'endpoints ok (loopback pod IPs allowed)', in: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('hdls'), subsets: [{ addresses: [{ ip: '127.244.0.5' }], ports: [{ port: 8000 }] }] }, want: [] },
  { desc: 'endpoints bad ip and port', in: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('hdls'), subsets: [{ addresses: [{ ip: '1.2.3' }], ports: [{ port: 0, protocol: 'TCP' }] }] },
    want: ['subsets[0].addresses[0].ip: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', 'subsets[0].addresses[0].ip: Invalid value: "1.2.3": must be a valid IP address', `subsets[0].ports[0].port: Invalid value: 0: ${PORT_RANGE}`] },
  { desc: 'endpoints subset without addresses', in: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('hdls'), subsets: [{ ports: [{ port: 80 }] }] },
    want: ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'] },
  // endpointslices
  { desc: 'slice ok', in: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('s1'), addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.1'] }], ports: [{ port: 80 }] }, want: [] },
  { desc: 'slice bad address type and address', in: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('s1'), addressType: 'IPv5', endpoints: [{ addresses: [] }] },
    want: ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"', 'endpoints[0].addresses: Required value: must contain at least 1 address'] },
  { desc: 'slice IPv4 address check', in: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('s1'), addressType: 'IPv4', endpoints: [{ addresses: ['::1'] }] },
    want: ['endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address'] },
  { desc: 'slice too many endpoints', in: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('s1'), addressType: 'IPv4', endpoints: Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] })) },
    want: ['endpoints: Too many: 1001: must have at most 1000 items'] },
  // config
  { desc: 'seed: ConfigMap with numeric key', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('tcp-services'), data: { 27017: 'default/tcp-svc:27017' } }, want: [] },
  { desc: 'configmap bad key', in: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c'), data: { 'a/b': 'x' } },
    want: ["data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"] },
  { desc: 'tls secret requires keys', in: { apiVersion: 'v1', kind: 'Secret', metadata: meta('mytlssecret'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }, want: ['data[tls.key]: Required value'] },
  { desc: 'tls secret via stringData ok', in: { apiVersion: 'v1', kind: 'Secret', metadata: meta('t'), type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }, want: [] },
  // ingress
  { desc: 'seed: legacy ingress', in: legacyIngress('hdls-ingress', { serviceName: 'hdls', servicePort: 8000 }), want: [] },
  { desc: 'seed: <ingress-name> placeholder', in: legacyIngress('<ingress-name>', { serviceName: '<service1-name>', servicePort: '<service1-port>' }),
    want: [`metadata.name: Invalid value: "<ingress-name>": ${SUBDOMAIN}`,
      "spec.rules[0].http.paths[0].backend.serviceName: Invalid value: \"<service1-name>\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.rules[0].http.paths[0].backend.servicePort: Invalid value: "<service1-port>": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
  { desc: 'v1 ingress pathType required and path absolute', in: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'),
    spec: { rules: [{ host: '*.example.com', http: { paths: [{ path: '/a', backend: { service: { name: 's', port: { number: 80 } } } }, { path: 'b', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80, name: 'http' } } } }] } }] } },
  want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified', 'spec.rules[0].http.paths[1].path: Invalid value: "b": must be an absolute path', 'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both port name & port number'] },
  { desc: 'legacy ingress names spec.backend', in: { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta('i'), spec: { backend: { serviceName: 'x' } } },
    want: ['spec.backend: Required value: port name or number is required'] },
  { desc: 'legacy ingress tolerates rules under wildcard hosts and bad secret names', in: { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta('i'),
    spec: { tls: [{ secretName: 'Bad_Name' }], rules: [{ host: '*.example.com', http: { paths: [{ path: 'x', backend: { serviceName: 's', servicePort: 80 } }] } }] } }, want: [] },
  { desc: 'ingress needs rules or backend', in: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: {} }, want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'] },
  { desc: 'ingress IP host', in: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: { defaultBackend: { service: { name: 's', port: { number: 80 } } }, rules: [{ host: '10.0.0.1' }] } },
    want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'] },
  { desc: 'ingressclass controller', in: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'nginx' } },
    want: ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")'] },
  // workloads
  { desc: 'deployment ok', in: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } }, want: [] },
  { desc: 'deployment selector mismatch', in: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'api' }) } },
    want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`'] },
  { desc: 'deployment selector required', in: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { template: template({ app: 'web' }) } }, want: ['spec.selector: Required value'] },
  { desc: 'rc selector defaults to template labels', in: { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('rc'), spec: { template: template({ app: 'x' }) } }, want: [] },
  { desc: 'daemonset restartPolicy must be Always', in: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Never', containers: [ctr()] } } } },
    want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
  // others
  { desc: 'namespace name is a DNS-1123 label', in: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, want: [`metadata.name: Invalid value: "a.b": ${LABEL}`] },
  { desc: 'event namespace mismatch', in: { apiVersion: 'v1', kind: 'Event', metadata: meta('e1'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } },
    want: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'] },
  { desc: 'lease duration', in: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l'), spec: { leaseDurationSeconds: 0 } }, want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'] },
];

for (const c of cases) test(c.desc, () => assert.deepEqual(create(c.in), c.want));
