// Annotation effects end to end through the core (the families are unit-tested in annotations/ and
// middlewares/): rewrite-target with captures, the allowlist's 403, limit-rps's 503, a CORS preflight
// answered by the controller, permanent-redirect, proxy-body-size's 413.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INF, eventually, get, ingress, service, startBackend, startEnv } from './ingress-fixture.ts';

const A = 'nginx.ingress.kubernetes.io/';

test('annotations take effect on their own routes only', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  const make = (name: string, annotations: Record<string, string>, path = '/', pathType = 'Prefix') =>
    env.source.create(INF.ingresses, ingress(name, [{ host: `${name}.example`, paths: [{ path, pathType, service: 'web' }] }], { annotations }));
  await make('rewrite', { [`${A}use-regex`]: 'true', [`${A}rewrite-target`]: '/new/$2' }, '/old(/|$)(.*)', 'ImplementationSpecific');
  await make('deny', { [`${A}whitelist-source-range`]: '10.0.0.0/8' });
  await make('limited', { [`${A}limit-rps`]: '1' });
  await make('cors', { [`${A}enable-cors`]: 'true', [`${A}cors-allow-origin`]: 'https://app.example' });
  await make('moved', { [`${A}permanent-redirect`]: 'https://elsewhere.example/' });
  await make('small', { [`${A}proxy-body-size`]: '8' });
  await make('plain', {});
  await eventually(async () => assert.equal((await get(env.httpPort, 'plain.example', '/')).status, 200));
  const rw = await get(env.httpPort, 'rewrite.example', '/old/a/b?x=1');
  assert.equal(rw.status, 200);
  assert.equal(rw.json.url, '/new/a/b?x=1');
  assert.equal((await get(env.httpPort, 'deny.example', '/')).status, 403);
  const statuses: number[] = [];
  for (let i = 0; i < 15; i++) statuses.push((await get(env.httpPort, 'limited.example', '/')).status);
  assert.ok(statuses.includes(200) && statuses.includes(503), statuses.join(','));
  const pre = await get(env.httpPort, 'cors.example', '/', { origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
  const mv = await get(env.httpPort, 'moved.example', '/x');
  assert.equal(mv.status, 301);
  assert.equal(mv.headers.location, 'https://elsewhere.example/');
  assert.equal((await get(env.httpPort, 'small.example', '/', { 'content-type': 'text/plain' }, 'POST', 'more than eight bytes')).status, 413);
  const okPost = await get(env.httpPort, 'small.example', '/', { 'content-type': 'text/plain' }, 'POST', 'tiny');
  assert.equal(okPost.status, 200);
  assert.equal((okPost.json as { body?: string }).body, 'tiny');
  assert.equal((await get(env.httpPort, 'plain.example', '/')).status, 200);
});
