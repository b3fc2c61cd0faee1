// Routing over real sockets: the Kubernetes path-matching examples table, wildcard hosts, several
// Ingresses merging on one host, the oldest winning a conflict (with an Event), default backends,
// IngressClass selection and status.loadBalancer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byKind } from '../src/api/scheme.ts';
import type { KubeObject } from '../src/api/types.ts';
import { INF, eventually, get, ingress, service, setEndpoints, startBackend, startEnv, upsert } from './ingress-fixture.ts';
import type { Env } from './ingress-fixture.ts';

// The table of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples; "-" = no match (404).
const PATH_TABLE: { desc: string; paths: [string, string][]; req: string; want: string }[] = [
  { desc: 'Prefix / matches all paths', paths: [['Prefix', '/']], req: '/anything/at/all', want: 'Prefix /' },
  { desc: 'Exact /foo matches /foo', paths: [['Exact', '/foo']], req: '/foo', want: 'Exact /foo' },
  { desc: 'Exact /foo does not match /bar', paths: [['Exact', '/foo']], req: '/bar', want: '-' },
  { desc: 'Exact /foo does not match /foo/', paths: [['Exact', '/foo']], req: '/foo/', want: '-' },
  { desc: 'Exact /foo/ does not match /foo', paths: [['Exact', '/foo/']], req: '/foo', want: '-' },
  { desc: 'Prefix /foo matches /foo', paths: [['Prefix', '/foo']], req: '/foo', want: 'Prefix /foo' },
  { desc: 'Prefix /foo matches /foo/', paths: [['Prefix', '/foo']], req: '/foo/', want: 'Prefix /foo' },
  { desc: 'Prefix /foo/ matches /foo', paths: [['Prefix', '/foo/']], req: '/foo', want: 'Prefix /foo/' },
  { desc: 'Prefix /foo/ matches /foo/', paths: [['Prefix', '/foo/']], req: '/foo/', want: 'Prefix /foo/' },
  { desc: 'Prefix /aaa/bb does not match /aaa/bbb', paths: [['Prefix', '/aaa/bb']], req: '/aaa/bbb', want: '-' },
  { desc: 'Prefix /aaa/bbb matches /aaa/bbb', paths: [['Prefix', '/aaa/bbb']], req: '/aaa/bbb', want: 'Prefix /aaa/bbb' },
  { desc: 'Prefix /aaa/bbb/ ignores the trailing slash', paths: [['Prefix', '/aaa/bbb/']], req: '/aaa/bbb', want: 'Prefix /aaa/bbb/' },
  { desc: 'Prefix /aaa/bbb matches the trailing slash', paths: [['Prefix', '/aaa/bbb']], req: '/aaa/bbb/', want: 'Prefix /aaa/bbb' },
  { desc: 'Prefix /aaa/bbb matches a subpath', paths: [['Prefix', '/aaa/bbb']], req: '/aaa/bbb/ccc', want: 'Prefix /aaa/bbb' },
  { desc: 'Prefix /aaa/bbb is not a string prefix', paths: [['Prefix', '/aaa/bbb']], req: '/aaa/bbbxyz', want: '-' },
  { desc: 'Prefix /, /aaa: /aaa/ccc takes /aaa', paths: [['Prefix', '/'], ['Prefix', '/aaa']], req: '/aaa/ccc', want: 'Prefix /aaa' },
  { desc: 'Prefix /, /aaa, /aaa/bbb: /aaa/bbb takes /aaa/bbb', paths: [['Prefix', '/'], ['Prefix', '/aaa'], ['Prefix', '/aaa/bbb']], req: '/aaa/bbb', want: 'Prefix /aaa/bbb' },
  { desc: 'Prefix /, /aaa, /aaa/bbb: /ccc takes /', paths: [['Prefix', '/'], ['Prefix', '/aaa'], ['Prefix', '/aaa/bbb']], req: '/ccc', want: 'Prefix /' },
  { desc: 'Prefix /aaa does not match /ccc', paths: [['Prefix', '/aaa']], req: '/ccc', want: '-' },
  { desc: 'Prefix /foo and Exact /foo: Exact wins', paths: [['Prefix', '/foo'], ['Exact', '/foo']], req: '/foo', want: 'Exact /foo' },
  { desc: 'ImplementationSpecific is Prefix', paths: [['ImplementationSpecific', '/impl']], req: '/impl/x', want: 'ImplementationSpecific /impl' },
];

// One backend per distinct (pathType, path), named after it; every table row gets its own host.
test('the Kubernetes path matching examples', async (t) => {
  const env = await startEnv(t);
  const names = new Map<string, string>();
  for (const c of PATH_TABLE) for (const [type, path] of c.paths) if (!names.has(`${type} ${path}`)) names.set(`${type} ${path}`, `svc-${names.size}`);
  for (const [label, svc] of names) {
    const b = await startBackend(t, label);
    await service(env.source, svc, [b]);
  }
  let i = 0;
  for (const c of PATH_TABLE) {
    const paths = c.paths.map(([pathType, path]) => ({ path, pathType, service: names.get(`${pathType} ${path}`) ?? '' }));
    await env.source.create(INF.ingresses, ingress(`table-${i}`, [{ host: `t${i}.example`, paths }]));
    i++;
  }
  i = 0;
  for (const c of PATH_TABLE) {
    const host = `t${i++}.example`;
    await eventually(async () => {
      const r = await get(env.httpPort, host, c.req);
      if (c.want === '-') assert.equal(r.status, 404, `${c.desc}: ${r.body}`);
      else { assert.equal(r.status, 200, c.desc); assert.equal(r.json.name, c.want, c.desc); }
    });
  }
});

test('wildcard hosts match one label; exact hosts win; no-host rules catch the rest', async (t) => {
  const env = await startEnv(t);
  for (const n of ['wild', 'exact', 'any']) await service(env.source, n, [await startBackend(t, n)]);
  await env.source.create(INF.ingresses, ingress('hosts', [
    { host: '*.foo.com', paths: [{ service: 'wild' }] },
    { host: 'bar.foo.com', paths: [{ service: 'exact' }] },
    { paths: [{ service: 'any' }] },
  ]));
  const cases = [
    { host: 'baz.foo.com', want: 'wild' }, { host: 'BAR.foo.com:8080', want: 'exact' },
    { host: 'foo.com', want: 'any' }, { host: 'a.baz.foo.com', want: 'any' }, { host: 'other.example', want: 'any' },
  ];
  for (const c of cases) {
    await eventually(async () => assert.equal((await get(env.httpPort, c.host, '/x')).json.name, c.want, c.host));
  }
});

async function events(env: Env, name: string): Promise<KubeObject[]> {
  const list = await env.source.list(INF.events, 'default');
  return list.items.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === name);
}

test('Ingresses for one host merge; a conflict goes to the oldest and is reported as an Event', async (t) => {
  const env = await startEnv(t);
  for (const n of ['a', 'b', 'c']) await service(env.source, n, [await startBackend(t, n)]);
  await env.source.create(INF.ingresses, ingress('first', [{ host: 'm.example', paths: [{ path: '/a', service: 'a' }, { path: '/same', service: 'a' }] }]));
  await new Promise((r) => setTimeout(r, 1100));   // creationTimestamp has one-second resolution
  await env.source.create(INF.ingresses, ingress('second', [{ host: 'm.example', paths: [{ path: '/b', service: 'b' }, { path: '/same', service: 'c' }] }]));
  await eventually(async () => {
    assert.equal((await get(env.httpPort, 'm.example', '/a')).json.name, 'a');
    assert.equal((await get(env.httpPort, 'm.example', '/b/x')).json.name, 'b');
    assert.equal((await get(env.httpPort, 'm.example', '/same')).json.name, 'a');
  });
  await eventually(async () => {
    const evs = await events(env, 'second');
    assert.ok(evs.some((e) => (e as { reason?: string }).reason === 'Conflict'), JSON.stringify(evs));
  });
  assert.equal((await events(env, 'first')).filter((e) => (e as { reason?: string }).reason === 'Conflict').length, 0);
});

test('defaultBackend of an Ingress; 404 otherwise; Ingress status gets the node IP', async (t) => {
  const env = await startEnv(t);
  for (const n of ['main', 'fallback']) await service(env.source, n, [await startBackend(t, n)]);
  await env.source.create(INF.ingresses, ingress('with-default', [{ host: 'd.example', paths: [{ path: '/app', service: 'main' }] }], { defaultBackend: 'fallback' }));
  await eventually(async () => {
    assert.equal((await get(env.httpPort, 'd.example', '/app')).json.name, 'main');
    assert.equal((await get(env.httpPort, 'd.example', '/elsewhere')).json.name, 'fallback');
    assert.equal((await get(env.httpPort, 'unknown.example', '/')).json.name, 'fallback');
  });
  await eventually(async () => {
    const ing = await env.source.get(INF.ingresses, 'default', 'with-default') as { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } };
    assert.deepEqual(ing.status?.loadBalancer?.ingress, [{ ip: '127.0.0.1' }]);
  });
  await env.source.delete(INF.ingresses, 'default', 'with-default');
  await eventually(async () => assert.equal((await get(env.httpPort, 'd.example', '/app')).status, 404));
});

test('IngressClass portico is created as default; class name, legacy annotation and default decide', async (t) => {
  const env = await startEnv(t);
  await eventually(async () => {
    const c = await env.source.get(INF.classes, undefined, 'portico') as { spec?: { controller?: string }; metadata?: { annotations?: Record<string, string> } };
    assert.equal(c.spec?.controller, 'portico.dev/ingress-controller');
    assert.equal(c.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
  });
  await service(env.source, 'svc', [await startBackend(t, 'svc')]);
  await env.source.create(INF.ingresses, ingress('named', [{ host: 'named.example', paths: [{ service: 'svc' }] }], { className: 'portico' }));
  await env.source.create(INF.ingresses, ingress('legacy', [{ host: 'legacy.example', paths: [{ service: 'svc' }] }], { annotations: { 'kubernetes.io/ingress.class': 'portico' } }));
  await env.source.create(INF.ingresses, ingress('classless', [{ host: 'classless.example', paths: [{ service: 'svc' }] }]));
  await env.source.create(INF.ingresses, ingress('foreign', [{ host: 'foreign.example', paths: [{ service: 'svc' }] }], { className: 'nginx' }));
  await env.source.create(INF.ingresses, ingress('foreign-legacy', [{ host: 'foreign-legacy.example', paths: [{ service: 'svc' }] }], { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }));
  await eventually(async () => {
    for (const h of ['named', 'legacy', 'classless']) assert.equal((await get(env.httpPort, `${h}.example`, '/')).status, 200, h);
  });
  for (const h of ['foreign', 'foreign-legacy']) assert.equal((await get(env.httpPort, `${h}.example`, '/')).status, 404, h);
  // Endpoints change within 100 ms (median of a few, as the machine is loaded).
  const b2 = await startBackend(t, 'svc2');
  const started = Date.now();
  await service(env.source, 'svc', [b2]);
  await eventually(async () => assert.equal((await get(env.httpPort, 'named.example', '/')).json.name, 'svc2'));
  assert.ok(Date.now() - started < 1000, 'endpoint change applied');
  await upsert(env.source, INF.ingresses, ingress('foreign', [{ host: 'foreign.example', paths: [{ service: 'svc' }] }], { className: 'portico' }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'foreign.example', '/')).status, 200));
});

test('endpoint changes reach the data plane within 100 ms (median of five)', async (t) => {
  const env = await startEnv(t);
  const a = await startBackend(t, 'a');
  const b = await startBackend(t, 'b', undefined, a.port);
  await service(env.source, 'flip', [a]);
  await env.source.create(INF.ingresses, ingress('flip', [{ host: 'flip.example', paths: [{ service: 'flip' }] }]));
  await eventually(async () => assert.equal((await get(env.httpPort, 'flip.example', '/')).json.name, 'a'));
  const took: number[] = [];
  for (let i = 0; i < 5; i++) {
    const to = i % 2 ? a : b;
    await setEndpoints(env.source, 'flip', [to]);
    const start = performance.now();
    await eventually(async () => assert.equal((await get(env.httpPort, 'flip.example', '/')).json.name, to.name), 3000);
    took.push(performance.now() - start);
  }
  took.sort((x, y) => x - y);
  assert.ok((took[2] ?? 1e9) < 100, `median ${took[2]} ms (${took.map((x) => x.toFixed(0)).join(', ')})`);
});

test('a legacy extensions/v1beta1 Ingress (the seeds\' form) is served', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'old', [await startBackend(t, 'old')]);
  const legacy = byKind('extensions', 'v1beta1', 'Ingress');
  assert.ok(legacy);
  await env.source.create(legacy, {
    apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'legacy-form', namespace: 'default' },
    spec: { rules: [{ host: 'old.example', http: { paths: [{ path: '/', backend: { serviceName: 'old', servicePort: 80 } }] } }] },
  } as KubeObject);
  await eventually(async () => assert.equal((await get(env.httpPort, 'old.example', '/x')).json.name, 'old'));
});
