import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiServer } from '../index.ts';
import type { ApiServer } from '../index.ts';
import { FakeRegistry } from './fake-registry.ts';

let server: ApiServer;
let fake: FakeRegistry;
const silent = { info() {}, error() {} };
const svc = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...extra } });

before(async () => {
  fake = new FakeRegistry();
  server = await createApiServer({ registry: fake, host: '127.0.0.1', port: 0, logger: silent });
});
after(() => server.close());

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', ...headers }, signal: AbortSignal.timeout(5000) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(server.url + path, init);
}

const routing = [
  { desc: 'POST creates (201)', method: 'POST', path: '/api/v1/namespaces/default/services?fieldValidation=Strict&dryRun=All', body: svc('a'), want: { code: 201, call: 'create', ns: 'default', opts: { dryRun: true, fieldValidation: 'Strict' } } },
  { desc: 'POST YAML body', method: 'POST', path: '/api/v1/namespaces/default/services', body: 'apiVersion: v1\nkind: Service\nmetadata: {name: y}\nspec: {ports: [{port: 80}]}\n', headers: { 'Content-Type': 'application/yaml' }, want: { code: 201, call: 'create', ns: 'default', name: 'y' } },
  { desc: 'GET reads', method: 'GET', path: '/api/v1/namespaces/default/services/y', want: { code: 200, call: 'get', ns: 'default', name: 'y' } },
  { desc: 'GET list with query', method: 'GET', path: '/api/v1/namespaces/default/services?labelSelector=a%3Db&limit=5&continue=c', want: { code: 200, call: 'list', ns: 'default', opts: { labelSelector: 'a=b', limit: 5, continue: 'c' } } },
  { desc: 'all-namespaces list', method: 'GET', path: '/api/v1/services', want: { code: 200, call: 'list' } },
  { desc: 'PUT updates', method: 'PUT', path: '/api/v1/namespaces/default/services/y', body: svc('y'), want: { code: 200, call: 'update', ns: 'default', name: 'y' } },
  { desc: 'PUT status', method: 'PUT', path: '/api/v1/namespaces/default/services/y/status', body: svc('y'), want: { code: 200, call: 'update', ns: 'default', name: 'y', opts: { subresource: 'status' } } },
  { desc: 'PATCH merge', method: 'PATCH', path: '/api/v1/namespaces/default/services/y', body: { metadata: { labels: { a: 'b' } } }, headers: { 'Content-Type': 'application/merge-patch+json' }, want: { code: 200, call: 'patch', ns: 'default', name: 'y', type: 'merge' } },
  { desc: 'PATCH strategic', method: 'PATCH', path: '/api/v1/namespaces/default/services/y', body: { metadata: {} }, headers: { 'Content-Type': 'application/strategic-merge-patch+json' }, want: { code: 200, call: 'patch', type: 'strategic' } },
  { desc: 'DELETE with body options', method: 'DELETE', path: '/api/v1/namespaces/default/services/y', body: { kind: 'DeleteOptions', propagationPolicy: 'Foreground' }, want: { code: 200, call: 'delete', ns: 'default', name: 'y', opts: { propagationPolicy: 'Foreground' } } },
  { desc: 'DELETE collection', method: 'DELETE', path: '/api/v1/namespaces/default/configmaps?labelSelector=x', want: { code: 200, call: 'deleteCollection', ns: 'default' } },
];

for (const c of routing) {
  test(`routing: ${c.desc}`, async () => {
    const before = fake.calls.length;
    const res = await call(c.method, c.path, c.body, c.headers);
    await res.text();
    assert.equal(res.status, c.want.code);
    const rec = fake.calls[before];
    assert.ok(rec, 'registry was called');
    assert.equal(rec.method, c.want.call);
    if ('ns' in c.want) assert.equal(rec.namespace, c.want.ns);
    if ('name' in c.want) assert.equal(rec.name, c.want.name);
    if ('type' in c.want) assert.equal(rec.args[0], c.want.type);
    if ('opts' in c.want) {
      const got = rec.args.find((a) => a && typeof a === 'object' && !('metadata' in a)) as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want.opts)) assert.deepEqual(got[k], v, k);
    }
  });
}

const errors = [
  { desc: 'unknown path', method: 'GET', path: '/api/v1/widgets', want: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } },
  { desc: 'not found object', method: 'GET', path: '/api/v1/namespaces/default/services/nope', want: { code: 404, reason: 'NotFound', message: 'services "nope" not found' } },
  { desc: 'method not allowed', method: 'POST', path: '/api/v1/namespaces/default/services/x', body: svc('x'), want: { code: 405, reason: 'MethodNotAllowed' } },
  { desc: 'bad JSON', method: 'POST', path: '/api/v1/namespaces/default/services', body: '{nope', want: { code: 400, reason: 'BadRequest' } },
  { desc: 'namespace mismatch', method: 'POST', path: '/api/v1/namespaces/default/services', body: { ...svc('m'), metadata: { name: 'm', namespace: 'other' } }, want: { code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' } },
  { desc: 'strict field validation', method: 'POST', path: '/api/v1/namespaces/default/services?fieldValidation=Strict', body: svc('s', { typo: 1 }), want: { code: 400, reason: 'BadRequest', message: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.typo"' } },
  { desc: 'bad patch type', method: 'PATCH', path: '/api/v1/namespaces/default/services/y', body: {}, headers: { 'Content-Type': 'text/plain' }, want: { code: 415, reason: 'UnsupportedMediaType' } },
  { desc: 'bad limit', method: 'GET', path: '/api/v1/services?limit=x', want: { code: 400, reason: 'BadRequest' } },
];
for (const c of errors) {
  test(`errors: ${c.desc}`, async () => {
    const res = await call(c.method, c.path, c.body, c.headers);
    const st = await res.json() as Record<string, unknown>;
    assert.equal(res.status, c.want.code);
    assert.equal(st['kind'], 'Status');
    assert.equal(st['code'], c.want.code);
    assert.equal(st['reason'], c.want.reason);
    if (c.want.message) assert.equal(st['message'], c.want.message);
  });
}

test('warnings become Warning headers', async () => {
  const res = await call('POST', '/api/v1/namespaces/default/services', svc('warned'));
  await res.text();
  assert.equal(res.headers.get('warning'), '299 - "fake warning"');
});

async function readLines(res: Response, n: number): Promise<Record<string, unknown>[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  const out: Record<string, unknown>[] = [];
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value);
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { out.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>); buf = buf.slice(i + 1); }
  }
  await reader.cancel();
  return out;
}

test('watch streams one JSON event per line', async () => {
  const res = await call('GET', '/api/v1/namespaces/w/configmaps?watch=1&timeoutSeconds=5');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('transfer-encoding'), 'chunked');
  const lines = readLines(res, 2);
  await call('POST', '/api/v1/namespaces/w/configmaps', { metadata: { name: 'c1' } }).then((r) => r.text());
  await call('DELETE', '/api/v1/namespaces/w/configmaps/c1').then((r) => r.text());
  const evs = await lines;
  assert.deepEqual(evs.map((e) => [e['type'], (e['object'] as { metadata: { name: string } }).metadata.name]), [['ADDED', 'c1'], ['DELETED', 'c1']]);
});

test('watch from a too-old resourceVersion: 200 then one ERROR 410 event', async () => {
  const res = await call('GET', '/api/v1/watch/namespaces/w/configmaps?resourceVersion=1');
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { code: number; reason: string } });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.type, 'ERROR');
  assert.equal(lines[0]?.object.code, 410);
  assert.equal(lines[0]?.object.reason, 'Expired');
});

test('watch ends at timeoutSeconds', async () => {
  const t0 = Date.now();
  const res = await call('GET', '/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1');
  await res.text();
  assert.ok(Date.now() - t0 < 3000);
});

test('close() ends open watches', async () => {
  const s = await createApiServer({ registry: new FakeRegistry(), host: '127.0.0.1', port: 0, logger: silent });
  const res = await fetch(`${s.url}/api/v1/pods?watch=1`, { signal: AbortSignal.timeout(5000) });
  const body = res.text();
  await s.close();
  assert.equal(await body, '');
});

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
test('Table negotiation: list and get', async () => {
  await call('POST', '/api/v1/namespaces/t/services', svc('tbl')).then((r) => r.text());
  const list = await (await call('GET', '/api/v1/namespaces/t/services', undefined, { Accept: TABLE_ACCEPT })).json() as Record<string, unknown>;
  assert.equal(list['kind'], 'Table');
  assert.equal(list['apiVersion'], 'meta.k8s.io/v1');
  assert.ok(Array.isArray(list['columnDefinitions']));
  const rows = list['rows'] as { cells: unknown[]; object: { kind: string } }[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.object.kind, 'PartialObjectMetadata');
  const one = await (await call('GET', '/api/v1/namespaces/t/services/tbl?includeObject=Object', undefined, { Accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' })).json() as Record<string, unknown>;
  assert.equal(one['apiVersion'], 'meta.k8s.io/v1beta1');
  assert.equal((one['rows'] as { object: { kind: string } }[])[0]?.object.kind, 'Service');
  const plain = await (await call('GET', '/api/v1/namespaces/t/services/tbl')).json() as Record<string, unknown>;
  assert.equal(plain['kind'], 'Service');
});

const docs = [
  { desc: '/version', path: '/version', want: (b: Record<string, unknown>) => assert.match(String(b['gitVersion']), /^v1\.32\./) },
  { desc: '/api', path: '/api', want: (b: Record<string, unknown>) => assert.deepEqual(b['versions'], ['v1']) },
  { desc: '/apis', path: '/apis', want: (b: Record<string, unknown>) => {
    const groups = (b['groups'] as { name: string; preferredVersion: { groupVersion: string } }[]);
    assert.equal(b['kind'], 'APIGroupList');
    assert.ok(groups.some((g) => g.name === 'extensions' && g.preferredVersion.groupVersion === 'extensions/v1beta1'));
    assert.ok(groups.some((g) => g.name === 'networking.k8s.io'));
  } },
  { desc: '/api/v1', path: '/api/v1', want: (b: Record<string, unknown>) => {
    const rs = b['resources'] as { name: string; kind: string; namespaced: boolean; shortNames?: string[]; verbs: string[] }[];
    const s = rs.find((r) => r.name === 'services');
    assert.deepEqual([s?.kind, s?.namespaced, s?.shortNames], ['Service', true, ['svc']]);
    assert.ok(rs.some((r) => r.name === 'pods/status'));
  } },
  { desc: '/openapi/v3 root', path: '/openapi/v3', want: (b: Record<string, unknown>) => assert.match((b['paths'] as Record<string, { serverRelativeURL: string }>)['api/v1']?.serverRelativeURL ?? '', /^\/openapi\/v3\/api\/v1\?hash=/) },
  { desc: '/openapi/v2 Service definition', path: '/openapi/v2', want: (b: Record<string, unknown>) => {
    const d = (b['definitions'] as Record<string, Record<string, unknown>>);
    assert.deepEqual(d['io.k8s.api.core.v1.Service']?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Service' }]);
    assert.deepEqual(d['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], { type: 'string', format: 'int-or-string' });
    const ports = (d['io.k8s.api.core.v1.ServiceSpec']?.['properties'] as Record<string, Record<string, unknown>>)['ports'];
    assert.equal(ports?.['x-kubernetes-patch-merge-key'], 'port');
  } },
  { desc: 'healthz', path: '/healthz', text: 'ok' },
  { desc: 'readyz', path: '/readyz', text: 'ok' },
];
for (const c of docs) {
  test(`documents: ${c.desc}`, async () => {
    const res = await call('GET', c.path);
    assert.equal(res.status, 200);
    if (c.text !== undefined) { assert.equal(await res.text(), c.text); return; }
    c.want?.(await res.json() as Record<string, unknown>);
  });
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const aggregatedCases = [
  { desc: 'asked first: /api is the aggregated core group', path: '/api', accept: `${AGGREGATED},application/json`, want: (b: { items: Array<{ metadata: { name: string }; versions: Array<{ version: string; resources: Array<Record<string, unknown>> }> }> }) => {
    assert.deepEqual(b.items.map((g) => g.metadata.name), ['']);
    const svc = b.items[0]?.versions[0]?.resources.find((r) => r['resource'] === 'services');
    assert.deepEqual(svc, { resource: 'services', responseKind: { group: '', version: 'v1', kind: 'Service' }, scope: 'Namespaced', singularResource: 'service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['svc'], categories: ['all'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Service' }, verbs: ['get', 'patch', 'update'] }] });
  } },
  { desc: 'asked first: /apis lists the named groups, networking before extensions', path: '/apis', accept: `${AGGREGATED},application/json`, want: (b: { items: Array<{ metadata: { name: string } }> }) => {
    const names = b.items.map((g) => g.metadata.name);
    assert.ok(names.indexOf('networking.k8s.io') < names.indexOf('extensions'));
    assert.ok(names.includes('apps') && names.includes('discovery.k8s.io'));
  } },
];
for (const c of aggregatedCases) {
  test(`aggregated discovery: ${c.desc}`, async () => {
    const res = await call('GET', c.path, undefined, { Accept: c.accept });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), AGGREGATED);
    const body = await res.json() as { kind: string; apiVersion: string };
    assert.deepEqual([body.kind, body.apiVersion], ['APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2']);
    c.want(body as never);
  });
}

test('aggregated discovery: plain JSON first (or no Accept) gets the classic documents', async () => {
  for (const accept of [`application/json, ${AGGREGATED}`, '']) {
    const res = await call('GET', '/api', undefined, accept ? { Accept: accept } : {});
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal((await res.json() as { kind: string }).kind, 'APIVersions');
  }
});

test('OpenAPI v3: Service PATCH carries GVK and fieldValidation; ETag revalidates', async () => {
  const res = await call('GET', '/openapi/v3/api/v1');
  const etag = res.headers.get('etag') ?? '';
  const doc = await res.json() as { paths: Record<string, { patch?: { parameters: { name: string; in: string }[]; 'x-kubernetes-group-version-kind': unknown } }> };
  const patch = doc.paths['/api/v1/namespaces/{namespace}/services/{name}']?.patch;
  assert.deepEqual(patch?.['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Service' });
  assert.ok(patch?.parameters.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
  const again = await call('GET', '/openapi/v3/api/v1', undefined, { 'If-None-Match': etag });
  assert.equal(again.status, 304);
});

test('metrics count requests', async () => {
  const text = await (await call('GET', '/metrics')).text();
  assert.match(text, /apiserver_request_total\{verb="GET",resource="services",code="200"\} \d+/);
  assert.match(text, /apiserver_request_duration_seconds_bucket/);
  assert.match(text, /apiserver_current_inflight_requests/);
  assert.match(text, /process_cpu_user_seconds_total/);
});
