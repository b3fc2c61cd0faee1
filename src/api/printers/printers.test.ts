import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, printTable, renderTable } from './index.ts';
import { byKind } from '../scheme.ts';
import type { KubeObject, ObjectMeta } from '../types.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();
const meta = (name: string, ageS = 3 * 3600, extra: Record<string, unknown> = {}): ObjectMeta =>
  ({ name, namespace: 'default', creationTimestamp: ago(ageS) as unknown as Date, ...extra });

const durationCases = [
  { in: 0, want: '0s' }, { in: -1500, want: '0s' }, { in: -2500, want: '<invalid>' }, { in: 45_000, want: '45s' },
  { in: 119_000, want: '119s' }, { in: 310_000, want: '5m10s' }, { in: 300_000, want: '5m' }, { in: 3_600_000 * 2.5, want: '150m' },
  { in: 3 * 3_600_000, want: '3h' }, { in: 3 * 3_600_000 + 5 * 60_000, want: '3h5m' }, { in: 10 * 3_600_000, want: '10h' },
  { in: 51 * 3_600_000, want: '2d3h' }, { in: 48 * 3_600_000, want: '2d' }, { in: 30 * 86_400_000, want: '30d' },
  { in: (2 * 365 + 12) * 86_400_000, want: '2y12d' }, { in: 9 * 365 * 86_400_000, want: '9y' },
];
for (const c of durationCases) test(`humanDuration(${c.in}) = ${c.want}`, () => assert.equal(humanDuration(c.in), c.want));

const kinds: Array<{ desc: string; group: string; kind: string; wide?: boolean; obj: KubeObject; header: string[]; cells: unknown[] }> = [
  { desc: 'Endpoints (seed)', group: '', kind: 'Endpoints', header: ['Name', 'Endpoints', 'Age'],
    obj: { metadata: meta('nginx'), subsets: [{ addresses: [{ ip: '100.96.1.3' }, { ip: '100.96.1.4' }, { ip: '100.96.2.4' }], ports: [{ port: 80 }] }] },
    cells: ['nginx', '100.96.1.3:80,100.96.1.4:80,100.96.2.4:80', '3h'] },
  { desc: 'Endpoints with more than three', group: '', kind: 'Endpoints', header: ['Name', 'Endpoints', 'Age'],
    obj: { metadata: meta('e', 45), subsets: [{ addresses: [{ ip: '1.1.1.1' }, { ip: '1.1.1.2' }, { ip: 'fd00::1' }], ports: [{ port: 80 }, { port: 443 }] }] },
    cells: ['e', '1.1.1.1:80,1.1.1.2:80,[fd00::1]:80 + 3 more...', '45s'] },
  { desc: 'Endpoints without subsets', group: '', kind: 'Endpoints', header: ['Name', 'Endpoints', 'Age'],
    obj: { metadata: meta('e') }, cells: ['e', '<none>', '3h'] },
  { desc: 'Service ClusterIP', group: '', kind: 'Service', header: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
    obj: { metadata: meta('nginx'), spec: { type: 'ClusterIP', clusterIP: '127.96.0.10', ports: [{ port: 8080, protocol: 'TCP' }] } },
    cells: ['nginx', 'ClusterIP', '127.96.0.10', '<none>', '8080/TCP', '3h'] },
  { desc: 'Service NodePort wide', group: '', kind: 'Service', wide: true, header: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
    obj: { metadata: meta('np'), spec: { type: 'NodePort', clusterIPs: ['127.96.0.11'], selector: { run: 'x', app: 'a' }, ports: [{ port: 8080, nodePort: 32584, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } },
    cells: ['np', 'NodePort', '127.96.0.11', '<none>', '8080:32584/TCP,53/UDP', '3h', 'app=a,run=x'] },
  { desc: 'Service LoadBalancer pending', group: '', kind: 'Service', header: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
    obj: { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [] } }, cells: ['lb', 'LoadBalancer', '10.0.0.1', '<pending>', '<none>', '3h'] },
  { desc: 'Service LoadBalancer with ingress', group: '', kind: 'Service', header: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
    obj: { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
    cells: ['lb', 'LoadBalancer', '10.0.0.1', '192.0.2.10', '80:30001/TCP', '3h'] },
  { desc: 'Service ExternalName headless', group: '', kind: 'Service', header: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
    obj: { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'example.com' } }, cells: ['ext', 'ExternalName', '<none>', 'example.com', '<none>', '3h'] },
  { desc: 'Pod running', group: '', kind: 'Pod', header: ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    obj: { metadata: meta('p', 600), spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: { phase: 'Running', containerStatuses: [
        { name: 'a', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { finishedAt: ago(300) } } },
        { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } },
    cells: ['p', '1/2', 'CrashLoopBackOff', '2 (5m ago)', '10m'] },
  { desc: 'Pod wide', group: '', kind: 'Pod', wide: true, header: ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    obj: { metadata: meta('p', 60), spec: { nodeName: 'n1', containers: [{ name: 'a' }] }, status: { phase: 'Pending', podIP: '127.244.0.3' } },
    cells: ['p', '0/1', 'Pending', '0', '60s', '127.244.0.3', 'n1', '<none>', '<none>'] },
  { desc: 'Pod terminating', group: '', kind: 'Pod', header: ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    obj: { metadata: meta('p', 60, { deletionTimestamp: ago(1) }), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] } },
    cells: ['p', '1/1', 'Terminating', '0', '60s'] },
  { desc: 'Namespace', group: '', kind: 'Namespace', header: ['Name', 'Status', 'Age'],
    obj: { metadata: meta('default', 2 * 86400), status: { phase: 'Active' } }, cells: ['default', 'Active', '2d'] },
  { desc: 'Node wide', group: '', kind: 'Node', wide: true,
    header: ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'],
    obj: { metadata: meta('n1', 3600, { labels: { 'node-role.kubernetes.io/control-plane': '' } }), spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], nodeInfo: { kubeletVersion: 'v1.32.0-portico', kernelVersion: '6.1' } } },
    cells: ['n1', 'Ready,SchedulingDisabled', 'control-plane', '60m', 'v1.32.0-portico', '127.0.0.1', '<none>', '<unknown>', '6.1', '<unknown>'] },
  { desc: 'ConfigMap', group: '', kind: 'ConfigMap', header: ['Name', 'Data', 'Age'],
    obj: { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, cells: ['cm', 3, '3h'] },
  { desc: 'Secret', group: '', kind: 'Secret', header: ['Name', 'Type', 'Data', 'Age'],
    obj: { metadata: meta('s'), type: 'Opaque', data: { a: 'MQ==' } }, cells: ['s', 'Opaque', 1, '3h'] },
  { desc: 'Event', group: '', kind: 'Event', header: ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
    obj: { metadata: meta('e.1'), type: 'Warning', reason: 'Failed', message: ' boom \n', involvedObject: { kind: 'Pod', name: 'p' }, firstTimestamp: ago(600), lastTimestamp: ago(30), count: 4 },
    cells: ['30s', 'Warning', 'Failed', 'pod/p', 'boom'] },
  { desc: 'EndpointSlice', group: 'discovery.k8s.io', kind: 'EndpointSlice', header: ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'],
    obj: { metadata: meta('nginx-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'x' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] },
    cells: ['nginx-abc', 'IPv4', '80,x', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '3h'] },
  { desc: 'EndpointSlice empty', group: 'discovery.k8s.io', kind: 'EndpointSlice', header: ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'],
    obj: { metadata: meta('s'), addressType: 'IPv4' }, cells: ['s', 'IPv4', '<unset>', '<unset>', '3h'] },
  { desc: 'Ingress', group: 'networking.k8s.io', kind: 'Ingress', header: ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'],
    obj: { metadata: meta('ing'), spec: { ingressClassName: 'portico', rules: [{ host: 'a.example' }, {}, { host: 'b.example' }], tls: [{}] }, status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } },
    cells: ['ing', 'portico', 'a.example,b.example', '127.0.0.1', '80, 443', '3h'] },
  { desc: 'Ingress without hosts or class', group: 'networking.k8s.io', kind: 'Ingress', header: ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'],
    obj: { metadata: meta('ing'), spec: { defaultBackend: {} } }, cells: ['ing', '<none>', '*', '', '80', '3h'] },
  { desc: 'IngressClass', group: 'networking.k8s.io', kind: 'IngressClass', header: ['Name', 'Controller', 'Parameters', 'Age'],
    obj: { metadata: meta('portico'), spec: { controller: 'portico.dev/ingress', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } },
    cells: ['portico', 'portico.dev/ingress', 'IngressParameters.k8s.example.com/p', '3h'] },
  { desc: 'Deployment wide', group: 'apps', kind: 'Deployment', wide: true, header: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
    obj: { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] },
      template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'log', image: 'busybox' }] } } }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
    cells: ['web', '2/3', 3, 2, '3h', 'web,log', 'nginx:1,busybox', 'app=web,env in (dev,prod)'] },
  { desc: 'ReplicaSet', group: 'apps', kind: 'ReplicaSet', header: ['Name', 'Desired', 'Current', 'Ready', 'Age'],
    obj: { metadata: meta('web-1'), spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 1 } }, cells: ['web-1', 3, 3, 1, '3h'] },
  { desc: 'ReplicationController wide', group: '', kind: 'ReplicationController', wide: true, header: ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
    obj: { metadata: meta('rc'), spec: { replicas: 1, selector: { app: 'x' }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 1 } },
    cells: ['rc', 1, 1, 0, '3h', 'c', 'i', 'app=x'] },
  { desc: 'DaemonSet', group: 'apps', kind: 'DaemonSet', header: ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'],
    obj: { metadata: meta('ds'), spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } }, status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1 } },
    cells: ['ds', 1, 1, 1, 1, 1, 'kubernetes.io/os=linux', '3h'] },
  { desc: 'Lease', group: 'coordination.k8s.io', kind: 'Lease', header: ['Name', 'Holder', 'Age'],
    obj: { metadata: meta('n1'), spec: { holderIdentity: 'n1' } }, cells: ['n1', 'n1', '3h'] },
];

for (const c of kinds) {
  test(`printTable ${c.desc}`, () => {
    const info = byKind(c.group, 'v1', c.kind);
    assert.ok(info);
    const t = printTable(info, [c.obj], { wide: c.wide === true, includeObject: 'None', now: NOW });
    assert.deepEqual(t.columnDefinitions.map((d) => d.name), c.header);
    assert.deepEqual(t.rows[0]?.cells, c.cells);
    assert.equal(t.rows[0]?.object, undefined);
  });
}

test('printTable includeObject Metadata returns PartialObjectMetadata rows', () => {
  const info = byKind('', 'v1', 'ConfigMap');
  assert.ok(info);
  const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm'), data: {} };
  const t = printTable(info, [o], { wide: false, includeObject: 'Metadata', now: NOW });
  assert.deepEqual(t.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
  assert.equal(printTable(info, [o], { wide: false, includeObject: 'Object', now: NOW }).rows[0]?.object, o);
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.equal(t.columnDefinitions[0]?.format, 'name');
});

const renderCases: Array<{ desc: string; kind: string; opts: Parameters<typeof renderTable>[1]; objs: KubeObject[]; want: string }> = [
  { desc: 'kubectl get endpoints nginx (seed)', kind: 'Endpoints', opts: {},
    objs: [{ metadata: { ...meta('nginx'), namespace: 'default' }, subsets: [{ addresses: [{ ip: '100.96.1.3' }, { ip: '100.96.1.4' }, { ip: '100.96.2.4' }], ports: [{ port: 80 }] }] }],
    want: 'NAME    ENDPOINTS                                   AGE\nnginx   100.96.1.3:80,100.96.1.4:80,100.96.2.4:80   3h\n' },
  { desc: 'no headers, with kind, namespace column', kind: 'ConfigMap', opts: { noHeaders: true, withKind: 'configmap', namespaceColumn: true },
    objs: [{ metadata: meta('a'), data: { k: 'v' } }, { metadata: { ...meta('b'), namespace: 'kube-system' } }],
    want: 'default       configmap/a   1     3h\nkube-system   configmap/b   0     3h\n' },
  { desc: 'minimum column width 6', kind: 'Lease', opts: {},
    objs: [{ metadata: meta('n'), spec: {} }], want: 'NAME   HOLDER   AGE\nn               3h\n' },
];

for (const c of renderCases) {
  test(`renderTable ${c.desc}`, () => {
    const info = byKind('', 'v1', c.kind) ?? byKind('coordination.k8s.io', 'v1', c.kind);
    assert.ok(info);
    assert.equal(renderTable(printTable(info, c.objs, { wide: false, includeObject: 'Metadata', now: NOW }), c.opts), c.want);
  });
}

test('renderTable hides wide columns unless wide, and prints nothing without rows', () => {
  const info = byKind('', 'v1', 'Service');
  assert.ok(info);
  const t = printTable(info, [{ metadata: meta('s'), spec: { type: 'ClusterIP', clusterIP: '127.96.0.1', ports: [{ port: 80, protocol: 'TCP' }], selector: { a: 'b' } } }], { wide: true, includeObject: 'None', now: NOW });
  assert.equal(renderTable(t).split('\n')[0], 'NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE');
  assert.match(renderTable(t, { wide: true }).split('\n')[0] ?? '', /AGE   SELECTOR$/);
  assert.equal(renderTable({ ...t, rows: [] }), '');
});
