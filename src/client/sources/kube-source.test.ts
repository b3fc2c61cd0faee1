// KubeSource against a tiny scripted Kubernetes API on 127.0.0.1: paths, verbs, Status errors, watch
// streams and 410 Gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { byKind } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { WatchEvent } from '../../api/types.ts';
import { isApiError, isNotFound } from '../../lib/errors.ts';
import { KubeSource, resourcePath } from './kube-source.ts';

const pods = byKind('', 'v1', 'Pod') as ResourceInfo;
const slices = byKind('discovery.k8s.io', 'v1', 'EndpointSlice') as ResourceInfo;
const nodes = byKind('', 'v1', 'Node') as ResourceInfo;

test('resourcePath', () => {
  const cases = [
    { desc: 'core namespaced list', in: { info: pods, ns: 'default' }, want: '/api/v1/namespaces/default/pods' },
    { desc: 'group object status', in: { info: slices, ns: 'ns', name: 'x', sub: 'status' }, want: '/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices/x/status' },
    { desc: 'all namespaces', in: { info: pods, ns: undefined }, want: '/api/v1/pods' },
    { desc: 'cluster-scoped', in: { info: nodes, ns: 'ignored', name: 'n1' }, want: '/api/v1/nodes/n1' },
  ];
  for (const c of cases) {
    const i: { info: ResourceInfo; ns: string | undefined; name?: string; sub?: string } = c.in;
    assert.equal(resourcePath(i.info, i.ns, i.name, i.sub), c.want, c.desc);
  }
});

interface Seen { method: string; url: string; body: string; type: string }

function fakeApi(seen: Seen[]): http.Server {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, type: req.headers['content-type'] ?? '' });
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('Content-Type', 'application/json');
      if (url.searchParams.get('watch') === 'true') {
        if (url.searchParams.get('resourceVersion') === '1') {
          res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' } }) + '\n');
          return;
        }
        res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '6' } } }) + '\n');
        res.end(JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '7' } } }) + '\n');
        return;
      }
      if (url.pathname.endsWith('/missing')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "missing" not found', details: { name: 'missing', kind: 'pods' } }));
        return;
      }
      if (req.method === 'GET') { res.end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5' }, items: [] })); return; }
      res.end(body || '{}');
    });
  });
}

test('KubeSource speaks the Kubernetes REST API', async (t) => {
  const seen: Seen[] = [];
  const server = fakeApi(seen);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }],
    users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
  });
  const src = KubeSource.fromKubeConfig(kc);

  const list = await src.list(pods, 'default', { labelSelector: 'app=web' });
  assert.equal(list.metadata.resourceVersion, '5');
  assert.equal(seen.at(-1)?.url, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');

  const err = await src.get(pods, 'default', 'missing').catch((e: unknown) => e);
  assert.ok(isNotFound(err), String(err));

  await src.update(pods, { metadata: { name: 'p', namespace: 'default' }, status: {} }, 'status');
  assert.deepEqual([seen.at(-1)?.method, seen.at(-1)?.url], ['PUT', '/api/v1/namespaces/default/pods/p/status']);

  await src.patch(pods, 'default', 'p', 'merge', { metadata: { labels: { a: 'b' } } });
  assert.deepEqual([seen.at(-1)?.method, seen.at(-1)?.type], ['PATCH', 'application/merge-patch+json']);

  await src.delete(pods, 'default', 'p', { propagationPolicy: 'Foreground' });
  assert.equal(JSON.parse(seen.at(-1)?.body ?? '{}').propagationPolicy, 'Foreground');

  const ac = new AbortController();
  const events: WatchEvent[] = [];
  for await (const ev of src.watch(pods, 'default', '5', ac.signal)) events.push(ev);
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.resourceVersion}`), ['ADDED 6', 'DELETED 7']);

  const gone = await (async () => { for await (const _ of src.watch(pods, 'default', '1', ac.signal)) { /* none */ } })().catch((e: unknown) => e);
  assert.ok(isApiError(gone) && gone.code === 410, String(gone));
});
