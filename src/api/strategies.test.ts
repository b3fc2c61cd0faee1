import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byKind, RESOURCES } from './scheme.ts';
import { strategyFor } from './strategies.ts';
import type { KubeObject } from './types.ts';

function strategy(group: string, version: string, kind: string): ReturnType<typeof strategyFor> {
  const info = byKind(group, version, kind);
  assert.ok(info);
  return strategyFor(info);
}

test('every resource in the scheme has a strategy', () => {
  for (const info of RESOURCES) assert.ok(strategyFor(info), info.kind);
});

const defaultCases: Array<{ desc: string; gvk: [string, string, string]; in: KubeObject; want: unknown; pick: (o: KubeObject) => unknown }> = [
  { desc: 'pod spec defaults', gvk: ['', 'v1', 'Pod'], pick: (o) => o.spec,
    in: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] } },
    want: { containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }], readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', enableServiceLinks: true } },
  { desc: 'tagged image pulls IfNotPresent', gvk: ['', 'v1', 'Pod'], pick: (o) => (o.spec as { containers: Array<{ imagePullPolicy: string }> }).containers.map((c) => c.imagePullPolicy),
    in: { spec: { containers: [{ name: 'a', image: 'nginx:1.25' }, { name: 'b', image: 'localhost:5000/app' }, { name: 'c', image: 'app@sha256:abc' }, { name: 'd', image: 'nginx:latest' }] } },
    want: ['IfNotPresent', 'Always', 'IfNotPresent', 'Always'] },
  { desc: 'deployment defaults', gvk: ['apps', 'v1', 'Deployment'], pick: (o) => { const s = o.spec as Record<string, unknown>; return [s.replicas, s.strategy, s.revisionHistoryLimit, s.progressDeadlineSeconds]; },
    in: { spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [] } } } },
    want: [1, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, 10, 600] },
  { desc: 'daemonset update strategy', gvk: ['apps', 'v1', 'DaemonSet'], pick: (o) => (o.spec as Record<string, unknown>).updateStrategy,
    in: { spec: {} }, want: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
  { desc: 'rc selector and labels from template', gvk: ['', 'v1', 'ReplicationController'], pick: (o) => [o.metadata?.labels, (o.spec as Record<string, unknown>).selector, (o.spec as Record<string, unknown>).replicas],
    in: { metadata: { name: 'r' }, spec: { template: { metadata: { labels: { app: 'x' } } } } }, want: [{ app: 'x' }, { app: 'x' }, 1] },
  { desc: 'namespace phase, finalizers and name label', gvk: ['', 'v1', 'Namespace'], pick: (o) => [o.spec, o.status, o.metadata?.labels],
    in: { metadata: { name: 'team' } }, want: [{ finalizers: ['kubernetes'] }, { phase: 'Active' }, { 'kubernetes.io/metadata.name': 'team' }] },
  { desc: 'secret type Opaque and stringData', gvk: ['', 'v1', 'Secret'], pick: (o) => [o.type, o.data, o.stringData],
    in: { stringData: { a: 'hi' } }, want: ['Opaque', { a: 'aGk=' }, undefined] },
  { desc: 'endpointslice port defaults', gvk: ['discovery.k8s.io', 'v1', 'EndpointSlice'], pick: (o) => o.ports, in: { ports: [{ port: 80 }] }, want: [{ port: 80, name: '', protocol: 'TCP' }] },
  { desc: 'endpoints port protocol', gvk: ['', 'v1', 'Endpoints'], pick: (o) => o.subsets, in: { subsets: [{ ports: [{ port: 80 }] }] }, want: [{ ports: [{ port: 80, protocol: 'TCP' }] }] },
  { desc: 'pod status on create', gvk: ['', 'v1', 'Pod'], pick: (o) => [o.status, o.metadata?.generation], in: { spec: { containers: [] }, status: { phase: 'Running' } }, want: [{ phase: 'Pending', qosClass: 'BestEffort' }, 1] },
  { desc: 'deployment status cleared on create', gvk: ['apps', 'v1', 'Deployment'], pick: (o) => o.status, in: { spec: {}, status: { replicas: 3 } }, want: {} },
  { desc: 'node status kept on create', gvk: ['', 'v1', 'Node'], pick: (o) => o.status, in: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } }, want: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } },
];

for (const c of defaultCases) {
  test(`create: ${c.desc}`, () => {
    const s = strategy(...c.gvk);
    const o = structuredClone(c.in);
    s.default(o);
    s.prepareForCreate(o);
    assert.deepEqual(c.pick(o), c.want);
  });
}

test('update keeps status and bumps generation only when spec changes', () => {
  const s = strategy('apps', 'v1', 'Deployment');
  const old: KubeObject = { metadata: { name: 'd', generation: 2 }, spec: { replicas: 1 }, status: { replicas: 1 } };
  const same: KubeObject = { metadata: { name: 'd', generation: 2, labels: { a: 'b' } }, spec: { replicas: 1 }, status: { replicas: 9 } };
  s.prepareForUpdate(same, old);
  assert.deepEqual([same.status, same.metadata?.generation], [{ replicas: 1 }, 2]);
  const changed: KubeObject = { metadata: { name: 'd', generation: 2 }, spec: { replicas: 3 } };
  s.prepareForUpdate(changed, old);
  assert.deepEqual([changed.status, changed.metadata?.generation], [{ replicas: 1 }, 3]);
});

test('status update keeps spec and metadata from old', () => {
  const s = strategy('', 'v1', 'Pod');
  const old: KubeObject = { metadata: { name: 'p', labels: { a: 'b' }, resourceVersion: '5' }, spec: { nodeName: 'n1' }, status: { phase: 'Pending' } };
  const next: KubeObject = { metadata: { name: 'p', labels: { x: 'y' }, resourceVersion: '5' }, spec: { nodeName: 'other' }, status: { phase: 'Running', podIP: '127.244.0.9' } };
  s.prepareForStatusUpdate(next, old);
  assert.deepEqual(next, { metadata: { name: 'p', labels: { a: 'b' }, resourceVersion: '5' }, spec: { nodeName: 'n1' }, status: { phase: 'Running', podIP: '127.244.0.9' } });
  assert.deepEqual(s.validateStatusUpdate(next, old), []);
});

test('namespace update keeps spec.finalizers', () => {
  const s = strategy('', 'v1', 'Namespace');
  const old: KubeObject = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  const next: KubeObject = { metadata: { name: 'n' }, spec: { finalizers: [] } };
  s.prepareForUpdate(next, old);
  assert.deepEqual([next.spec, next.status], [{ finalizers: ['kubernetes'] }, { phase: 'Active' }]);
});

test('metadata name is immutable', () => {
  const s = strategy('', 'v1', 'ConfigMap');
  const errs = s.validateUpdate({ metadata: { name: 'b', namespace: 'default' } }, { metadata: { name: 'a', namespace: 'default' } });
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['metadata.name', 'field is immutable']]);
});

test('legacy Ingress validates with the legacy field names', () => {
  const legacy = byKind('extensions', 'v1beta1', 'Ingress');
  assert.ok(legacy);
  const obj: KubeObject = { metadata: { name: 'i', namespace: 'default' }, spec: { defaultBackend: { service: { name: 'Bad', port: { number: 80 } } } } };
  assert.deepEqual(strategyFor(legacy).validate(obj).map((e) => e.field), ['spec.backend.serviceName']);
  assert.deepEqual(strategy('networking.k8s.io', 'v1', 'Ingress').validate(obj).map((e) => e.field), ['spec.defaultBackend.service.name']);
});

test('update restores system metadata a replace left out', () => {
  const s = strategy('', 'v1', 'ConfigMap');
  const old: KubeObject = { metadata: { name: 'c', namespace: 'default', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' as unknown as Date } };
  const next: KubeObject = { metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' } };
  s.prepareForUpdate(next, old);
  assert.deepEqual(next.metadata, old.metadata);
  assert.deepEqual(s.validateUpdate(next, old), []);
});

test('default turns JSON nulls into Go zero values', () => {
  const s = strategy('', 'v1', 'Service');
  const o: KubeObject = { metadata: { name: 'x', namespace: 'default', creationTimestamp: null as unknown as Date }, spec: { ports: [null, { port: 80, nodePort: null }], selector: null } };
  s.default(o);
  assert.deepEqual(o.metadata, { name: 'x', namespace: 'default' });
  const spec = o.spec as { ports: unknown[]; selector?: unknown };
  assert.deepEqual(spec.ports, [{ protocol: 'TCP', targetPort: 0 }, { port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal('selector' in spec, false);
});
