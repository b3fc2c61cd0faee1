import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { podResolvConf } from './pod-dns.ts';

const HOST = 'nameserver 10.0.0.53\nsearch corp.example\noptions edns0\n';
const pod = (spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod => ({ metadata: { name: 'p', namespace: 'web' }, spec: { containers: [], ...spec } });
const inputs = { clusterDNS: ['127.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: HOST };

const cases = [
  { desc: 'ClusterFirst: the cluster DNS, the pod search path, then the host searches',
    in: pod(), want: 'search web.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 127.96.0.10\noptions ndots:5\n' },
  { desc: 'Default: the node file', in: pod({ dnsPolicy: 'Default' }), want: 'search corp.example\nnameserver 10.0.0.53\noptions edns0\n' },
  { desc: 'hostNetwork with ClusterFirst falls back to the node file', in: pod({ hostNetwork: true }), want: 'search corp.example\nnameserver 10.0.0.53\noptions edns0\n' },
  { desc: 'ClusterFirstWithHostNet keeps the cluster DNS', in: pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
    want: 'search web.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 127.96.0.10\noptions ndots:5\n' },
  { desc: 'None: only dnsConfig', in: pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }] } }),
    want: 'search a.b\nnameserver 1.1.1.1\noptions ndots:2\n' },
  { desc: 'dnsConfig merges into ClusterFirst; an option replaces its namesake', in: pod({ dnsConfig: { searches: ['x.y'], options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }] } }),
    want: 'search web.svc.cluster.local svc.cluster.local cluster.local corp.example x.y\nnameserver 127.96.0.10\noptions ndots:1 rotate\n' },
];

for (const c of cases) {
  test(`podResolvConf: ${c.desc}`, () => assert.equal(podResolvConf(c.in, inputs), c.want));
}

test('podResolvConf: without a cluster DNS, ClusterFirst uses the node file', () => {
  assert.equal(podResolvConf(pod(), { ...inputs, clusterDNS: [] }), 'search corp.example\nnameserver 10.0.0.53\noptions edns0\n');
});
