// What `portico serve` makes at start, as on a cluster: namespaces, the kubernetes Service and its
// Endpoints, this host's Node and its Lease, the kubeconfig, and the -f manifests; a restart converges them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { clientFor, startPortico, tempDir } from './harness.ts';

describe('serve bootstrap', { timeout: 120_000 }, () => {
  test('namespaces, kubernetes Service and Endpoints, Node, Lease, kubeconfig, -f manifests', async () => {
    const dataDir = tempDir();
    const p = await startPortico({ dataDir, args: ['-f', 'examples/'] });
    const { kc, core } = clientFor(p);
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);

    const svc = await core.readNamespacedService({ namespace: 'default', name: 'kubernetes' });
    assert.equal(svc.spec?.clusterIP, '127.96.0.1');
    assert.deepEqual(JSON.parse(JSON.stringify(svc.spec?.ports)), [{ name: 'https', port: 443, protocol: 'TCP', targetPort: p.port }]);
    assert.equal(svc.spec?.selector, undefined);
    const ep = await core.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
    assert.equal(ep.subsets?.[0]?.addresses?.[0]?.ip, '127.0.0.1');
    assert.equal(ep.subsets?.[0]?.ports?.[0]?.port, p.port);

    const node = await core.readNode({ name: 'portico-test' });
    assert.deepEqual(JSON.parse(JSON.stringify(node.status?.addresses)), [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'portico-test' }]);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    const lease = await kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: 'kube-node-lease', name: 'portico-test' });
    assert.equal(lease.spec?.holderIdentity, 'portico-test');
    assert.ok(lease.spec?.renewTime);

    const cfg = parse(readFileSync(p.kubeconfig, 'utf8'));
    assert.equal(cfg['current-context'], 'portico');
    assert.equal(cfg.clusters[0].cluster.server, p.url);

    assert.ok(await core.readNamespacedService({ namespace: 'default', name: 'echo' }));
    const manual = await core.readNamespacedEndpoints({ namespace: 'kube-system', name: 'kube-dns' });
    assert.equal(manual.subsets?.[0]?.addresses?.[0]?.ip, '127.0.0.1');

    assert.equal(await p.stop('SIGINT'), 0, 'SIGINT stops cleanly with exit code 0');
    const again = await startPortico({ dataDir, args: ['-f', 'examples/'] });
    const core2 = clientFor(again).core;
    const svc2 = await core2.readNamespacedService({ namespace: 'default', name: 'kubernetes' });
    assert.equal(svc2.spec?.clusterIP, '127.96.0.1');
    assert.equal(svc2.spec?.ports?.[0]?.targetPort, again.port, 'targetPort follows the new API port');
    const ep2 = await core2.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
    assert.equal(ep2.subsets?.[0]?.ports?.[0]?.port, again.port);
    assert.match(again.logs(), /"result":"service\/echo unchanged"/);
  });
});
