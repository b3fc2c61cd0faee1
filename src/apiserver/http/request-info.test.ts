import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResourcePath } from './request-info.ts';

const cases = [
  { desc: 'namespaced list', in: ['GET', '/api/v1/namespaces/default/services', null], want: { resource: 'services', verb: 'list', namespace: 'default' } },
  { desc: 'all-namespaces list', in: ['GET', '/api/v1/pods', null], want: { resource: 'pods', verb: 'list' } },
  { desc: 'get', in: ['GET', '/api/v1/namespaces/ns1/services/web', null], want: { resource: 'services', verb: 'get', namespace: 'ns1', name: 'web' } },
  { desc: 'watch param', in: ['GET', '/api/v1/namespaces/default/pods', 'true'], want: { resource: 'pods', verb: 'watch', namespace: 'default' } },
  { desc: 'watch=1', in: ['GET', '/apis/apps/v1/deployments', '1'], want: { resource: 'deployments', verb: 'watch' } },
  { desc: 'legacy watch prefix', in: ['GET', '/api/v1/watch/namespaces/default/services', null], want: { resource: 'services', verb: 'watch', namespace: 'default' } },
  { desc: 'create', in: ['POST', '/apis/networking.k8s.io/v1/namespaces/a/ingresses', null], want: { resource: 'ingresses', verb: 'create', namespace: 'a' } },
  { desc: 'update status', in: ['PUT', '/api/v1/namespaces/a/pods/p/status', null], want: { resource: 'pods', verb: 'update', namespace: 'a', name: 'p', subresource: 'status' } },
  { desc: 'patch', in: ['PATCH', '/api/v1/nodes/n1', null], want: { resource: 'nodes', verb: 'patch', name: 'n1' } },
  { desc: 'delete', in: ['DELETE', '/api/v1/namespaces/a/configmaps/c', null], want: { resource: 'configmaps', verb: 'delete', namespace: 'a', name: 'c' } },
  { desc: 'deletecollection', in: ['DELETE', '/api/v1/namespaces/a/configmaps', null], want: { resource: 'configmaps', verb: 'deletecollection', namespace: 'a' } },
  { desc: 'namespace get', in: ['GET', '/api/v1/namespaces/kube-system', null], want: { resource: 'namespaces', verb: 'get', name: 'kube-system' } },
  { desc: 'namespace finalize', in: ['PUT', '/api/v1/namespaces/x/finalize', null], want: { resource: 'namespaces', verb: 'update', name: 'x', subresource: 'finalize' } },
  { desc: 'legacy ingress', in: ['POST', '/apis/extensions/v1beta1/namespaces/a/ingresses', null], want: { resource: 'ingresses', verb: 'create', namespace: 'a' } },
];

for (const c of cases) {
  test(`parseResourcePath: ${c.desc}`, () => {
    const [method, path, watch] = c.in as [string, string, string | null];
    const got = parseResourcePath(method, path, watch);
    assert.equal(got.kind, 'resource');
    if (got.kind !== 'resource') return;
    const { info, ...rest } = got.ri;
    const trimmed = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    assert.deepEqual({ resource: info.resource, ...trimmed }, c.want);
  });
}

const misses = [
  { desc: 'unknown resource', in: ['GET', '/api/v1/widgets'], want: 'notFound' },
  { desc: 'unknown group', in: ['GET', '/apis/foo/v1/bars'], want: 'notFound' },
  { desc: 'cluster-scoped under a namespace', in: ['GET', '/api/v1/namespaces/a/nodes'], want: 'notFound' },
  { desc: 'unknown subresource', in: ['GET', '/api/v1/namespaces/a/services/x/foo'], want: 'notFound' },
  { desc: 'too deep', in: ['GET', '/api/v1/namespaces/a/services/x/status/y'], want: 'notFound' },
  { desc: 'POST on a name', in: ['POST', '/api/v1/namespaces/a/services/x'], want: 'methodNotAllowed' },
  { desc: 'PUT on a collection', in: ['PUT', '/api/v1/namespaces/a/services'], want: 'methodNotAllowed' },
];
for (const c of misses) {
  test(`parseResourcePath: ${c.desc}`, () => {
    assert.equal(parseResourcePath(c.in[0] ?? '', c.in[1] ?? '', null).kind, c.want);
  });
}
