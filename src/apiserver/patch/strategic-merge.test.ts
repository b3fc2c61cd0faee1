import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from './index.ts';
import { byKind, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';

function info(group: string, kind: string): ResourceInfo {
  const i = byKind(group, 'v1', kind);
  assert.ok(i, kind);
  return i;
}

const service: KubeObject = {
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx', tier: 'web' }, annotations: { note: 'x' } },
  spec: { type: 'ClusterIP', clusterIP: '127.96.0.10', selector: { app: 'nginx' },
    ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 }] },
};

const container = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, image: `${name}:1`, ...extra });
const deployment = (podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec }, ...extra },
});
const pod = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec, status,
});

// lastApplied is the annotation kubectl apply writes; its value does not matter to the merge.
const lastApplied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Service"}\n' };

const cases: Array<{ desc: string; info: ResourceInfo; in: KubeObject; patch: unknown; want: (o: KubeObject) => unknown; equal: unknown }> = [
  {
    // kubectl apply (CreateThreeWayMergePatch) after the user dropped label tier, dropped port 80 and
    // added ports 8080 and 443: deletions as $patch items after the patch's items, in modified order.
    desc: 'kubectl apply re-apply of a Service with a changed port list and a removed label',
    info: info('', 'Service'), in: service,
    patch: { metadata: { annotations: lastApplied, labels: { tier: null } },
      spec: { '$setElementOrder/ports': [{ port: 8080 }, { port: 443 }, { port: 9090 }],
        ports: [{ name: 'http', port: 8080, targetPort: 80 }, { name: 'https', port: 443, targetPort: 8443 }, { $patch: 'delete', port: 80 }] } },
    want: (o) => ({ metadata: o.metadata, ports: (o['spec'] as Record<string, unknown>)['ports'] }),
    equal: {
      metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, annotations: { note: 'x', ...lastApplied } },
      ports: [{ name: 'http', port: 8080, targetPort: 80 }, { name: 'https', port: 443, targetPort: 8443 },
        { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 }],
    },
  },
  {
    desc: 'kubectl apply changing one port merges into the live item and keeps defaulted fields',
    info: info('', 'Service'), in: service,
    patch: { metadata: { annotations: lastApplied }, spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 9090 }], ports: [{ port: 80, targetPort: 8081 }] } },
    want: (o) => (o['spec'] as Record<string, unknown>)['ports'],
    equal: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8081 }, { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 }],
  },
  {
    desc: '$setElementOrder reorders a merged list; server-only items keep their live place',
    info: info('', 'Service'), in: service,
    patch: { spec: { '$setElementOrder/ports': [{ port: 9090 }, { port: 80 }] } },
    want: (o) => ((o['spec'] as Record<string, unknown>)['ports'] as Array<{ port: number }>).map((p) => p.port),
    equal: [9090, 80],
  },
  {
    desc: 'a port without $setElementOrder goes before the live ones (mergeSortedSlice)',
    info: info('', 'Service'), in: service,
    patch: { spec: { ports: [{ name: 'https', port: 443 }] } },
    want: (o) => ((o['spec'] as Record<string, unknown>)['ports'] as Array<{ port: number }>).map((p) => p.port),
    equal: [443, 80, 9090],
  },
  {
    desc: 'kubectl set image: containers merge by name, other containers and fields stay',
    info: info('apps', 'Deployment'), in: deployment({ containers: [container('web', { ports: [{ containerPort: 80 }] }), container('sidecar')] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } },
    want: (o) => ((o['spec'] as Record<string, Record<string, Record<string, unknown>>>)['template']?.['spec']?.['containers']),
    equal: [{ name: 'web', image: 'web:2', ports: [{ containerPort: 80 }] }, { name: 'sidecar', image: 'sidecar:1' }],
  },
  {
    desc: 'env merges by name; a $patch delete item removes one variable',
    info: info('', 'Pod'), in: pod({ containers: [container('c', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
    patch: { spec: { containers: [{ name: 'c', env: [{ name: 'C', value: '3' }, { name: 'A', $patch: 'delete' }] }] } },
    want: (o) => ((o['spec'] as Record<string, Array<Record<string, unknown>>>)['containers']?.[0]?.['env']),
    equal: [{ name: 'C', value: '3' }, { name: 'B', value: '2' }],
  },
  {
    desc: '{$patch: replace} in a merging list replaces the whole list',
    info: info('', 'Pod'), in: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] } },
    want: (o) => (o['spec'] as Record<string, unknown>)['containers'],
    equal: [{ name: 'z', image: 'z:1' }],
  },
  {
    desc: '$patch: replace in a map replaces the map',
    info: info('', 'Service'), in: service,
    patch: { spec: { selector: { $patch: 'replace', run: 'x' } } },
    want: (o) => (o['spec'] as Record<string, unknown>)['selector'],
    equal: { run: 'x' },
  },
  {
    desc: '$patch: delete in a map empties it',
    info: info('', 'Service'), in: service,
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: (o) => o.metadata?.labels,
    equal: {},
  },
  {
    desc: '$retainKeys: switching a Deployment strategy to Recreate clears rollingUpdate',
    info: info('apps', 'Deployment'),
    in: deployment({ containers: [container('web')] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    want: (o) => (o['spec'] as Record<string, unknown>)['strategy'],
    equal: { type: 'Recreate' },
  },
  {
    desc: '$retainKeys in a volume item (PodSpec.volumes merge,retainKeys) swaps the volume source',
    info: info('', 'Pod'), in: pod({ containers: [container('c')], volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cm' } }] } },
    want: (o) => (o['spec'] as Record<string, unknown>)['volumes'],
    equal: [{ name: 'data', configMap: { name: 'cm' } }, { name: 'tmp', emptyDir: {} }],
  },
  {
    desc: 'finalizers merge as a set of primitives',
    info: info('', 'Service'), in: { ...service, metadata: { name: 'nginx', finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: (o) => o.metadata?.finalizers,
    equal: ['a', 'b', 'c'],
  },
  {
    desc: '$deleteFromPrimitiveList removes finalizers',
    info: info('', 'Service'), in: { ...service, metadata: { name: 'nginx', finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: (o) => o.metadata?.finalizers,
    equal: ['a', 'c'],
  },
  {
    desc: 'ownerReferences merge by uid',
    info: info('', 'Pod'), in: { ...pod({ containers: [] }), metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] } },
    patch: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }, { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u2' }] } },
    want: (o) => o.metadata?.ownerReferences?.map((r) => `${r.uid}:${String(r.controller)}`),
    equal: ['u1:true', 'u2:undefined'],
  },
  {
    desc: 'tolerations have no merge key: the list is replaced',
    info: info('', 'Pod'), in: pod({ containers: [], tolerations: [{ key: 'a', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } },
    want: (o) => (o['spec'] as Record<string, unknown>)['tolerations'],
    equal: [{ key: 'b', operator: 'Exists' }],
  },
  {
    desc: 'a kubelet-style status patch merges Pod conditions by type',
    info: info('', 'Pod'),
    in: pod({ containers: [] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] }),
    patch: { status: { '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'PodScheduled' }], conditions: [{ type: 'Ready', status: 'True' }], podIP: '127.244.0.5' } },
    want: (o) => o['status'],
    equal: { phase: 'Running', podIP: '127.244.0.5', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
  },
  {
    desc: 'Node addresses merge by type',
    info: info('', 'Node'), in: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'h' }] } },
    patch: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.2' }] } },
    want: (o) => (o['status'] as Record<string, unknown>)['addresses'],
    equal: [{ type: 'InternalIP', address: '127.0.0.2' }, { type: 'Hostname', address: 'h' }],
  },
  {
    desc: 'Endpoints subsets have no merge key: replaced',
    info: info('', 'Endpoints'), in: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '1.1.1.1' }] }] },
    patch: { subsets: [{ addresses: [{ ip: '2.2.2.2' }], ports: [{ port: 80 }] }] },
    want: (o) => o['subsets'],
    equal: [{ addresses: [{ ip: '2.2.2.2' }], ports: [{ port: 80 }] }],
  },
  {
    desc: 'null deletes a key; a null for an absent key and directives in new subtrees are dropped',
    info: info('apps', 'Deployment'), in: deployment({ containers: [container('web')] }),
    patch: { metadata: { labels: { gone: null, app: 'web' } }, spec: { paused: null, strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    want: (o) => ({ labels: o.metadata?.labels, strategy: (o['spec'] as Record<string, unknown>)['strategy'] }),
    equal: { labels: { app: 'web' }, strategy: { type: 'Recreate' } },
  },
  {
    desc: 'kubectl scale patch sets replicas',
    info: info('apps', 'Deployment'), in: deployment({ containers: [container('web')] }),
    patch: { spec: { replicas: 5 } },
    want: (o) => (o['spec'] as Record<string, unknown>)['replicas'],
    equal: 5,
  },
];

for (const c of cases) {
  test(`strategic: ${c.desc}`, () => {
    const before = structuredClone(c.in);
    const out = applyPatch('strategic', c.in, structuredClone(c.patch), c.info);
    assert.deepEqual(c.want(out), c.equal);
    assert.deepEqual(c.in, before, 'original must not be mutated');
  });
}

const errorCases: Array<{ desc: string; patch: unknown; code: number; message: RegExp }> = [
  { desc: 'a delete item without the merge key', patch: { spec: { ports: [{ $patch: 'delete', name: 'http' }] } }, code: 400, message: /does not contain declared merge key: port/ },
  { desc: '$patch: merge in a list', patch: { spec: { ports: [{ $patch: 'merge' }] } }, code: 400, message: /merging lists cannot yet be specified/ },
  { desc: 'an unknown map directive', patch: { spec: { selector: { $patch: 'bogus' } } }, code: 400, message: /unknown patch type: bogus/ },
  { desc: 'a patch key missing from $retainKeys', patch: { spec: { $retainKeys: ['type'], selector: { a: 'b' } } }, code: 422, message: /doesn't match retainKeys/ },
  { desc: '$retainKeys that is not a list', patch: { spec: { $retainKeys: 'type' } }, code: 400, message: /retainKeys/ },
  { desc: 'a list as the patch body', patch: [{ op: 'add' }], code: 400, message: /cannot unmarshal array/ },
  { desc: 'patch order contradicting $setElementOrder', patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 9090 }], ports: [{ port: 9090 }, { port: 80 }] } }, code: 400, message: /order in patch list/ },
  { desc: 'a list of lists', patch: { metadata: { finalizers: [['a']] } }, code: 422, message: /rejected our request/ },
];

for (const c of errorCases) {
  test(`strategic error: ${c.desc}`, () => {
    const s = { ...service, metadata: { ...service.metadata, finalizers: ['x'] } };
    assert.throws(() => applyPatch('strategic', s, c.patch, info('', 'Service')), (e: unknown) => {
      const err = e as { code: number; message: string; details?: unknown };
      assert.equal(err.code, c.code);
      assert.match(`${err.message} ${JSON.stringify(err.details ?? {})}`, c.message);
      return true;
    });
  });
}
