import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnnotations } from '../annotations/index.ts';
import { CONTINUE, DONE } from '../contract.ts';
import type { Middleware, RequestContext } from '../contract.ts';
import { buildMiddlewares, newRequestContext } from './index.ts';

const N = 'nginx.ingress.kubernetes.io/';
const deps = { now: () => 0, httpsPort: 8443 };

function build(raw: Record<string, string>): Middleware[] {
  const { config, errors } = parseAnnotations(raw, { namespace: 'default', configMap: () => ({ 'X-Team': 'blue' }) });
  assert.deepEqual(errors, []);
  return buildMiddlewares(config, deps);
}

function run(ms: Middleware[], ctx: RequestContext): RequestContext {
  for (const m of ms) if (m.handle(ctx) === DONE) break;
  return ctx;
}

test('no annotations: only ssl-redirect (for TLS hosts) and HSTS', () => {
  assert.deepEqual(build({}).map((m) => m.name), ['ssl-redirect', 'hsts']);
});

test('every middleware, in phase order', () => {
  const ms = build({
    [`${N}whitelist-source-range`]: '127.0.0.0/8', [`${N}limit-connections`]: '5', [`${N}limit-rpm`]: '600',
    [`${N}limit-rps`]: '10', [`${N}app-root`]: '/app', [`${N}permanent-redirect`]: 'https://e.com/',
    [`${N}temporal-redirect`]: 'https://t.com/', [`${N}enable-cors`]: 'true', [`${N}rewrite-target`]: '/$1',
    [`${N}custom-headers`]: 'hdrs',
  });
  assert.deepEqual(ms.map((m) => m.name), [
    'whitelist-source-range', 'limit-connections', 'limit-rpm', 'limit-rps', 'app-root', 'permanent-redirect',
    'temporal-redirect', 'ssl-redirect', 'enable-cors', 'rewrite-target', 'custom-headers', 'hsts',
  ]);
});

test('ssl-redirect "false" and hsts "false" remove them', () => {
  assert.deepEqual(build({ [`${N}ssl-redirect`]: 'false', 'portico.dev/hsts': 'false' }).map((m) => m.name), []);
});

test('the allowlist answers before anything else', () => {
  const ctx = run(build({ [`${N}whitelist-source-range`]: '10.0.0.0/8', [`${N}permanent-redirect`]: 'https://e.com/' }), newRequestContext({ clientIP: '192.168.1.1' }));
  assert.equal(ctx.respond?.status, 403);
});

test('a chain that answers nothing rewrites and decorates the request', () => {
  const ms = build({ [`${N}enable-cors`]: 'true', [`${N}rewrite-target`]: '/$2', [`${N}custom-headers`]: 'hdrs' });
  const path = '/api/v1/items';
  const ctx = newRequestContext({ scheme: 'https', hostHasTLS: true, path, match: /^\/api(\/|$)(.*)/.exec(path), headers: { host: 'example.com', origin: 'https://x.example' } });
  for (const m of ms) assert.equal(m.handle(ctx), CONTINUE, m.name);
  assert.equal(ctx.upstreamPath, '/v1/items');
  assert.equal(ctx.responseHeaders['X-Team'], 'blue');
  assert.equal(ctx.responseHeaders['access-control-allow-origin'], '*');
  assert.equal(ctx.responseHeaders['strict-transport-security'], 'max-age=31536000; includeSubDomains');
});

test('http to a TLS host is redirected to the configured HTTPS port', () => {
  const ctx = run(build({}), newRequestContext({ hostHasTLS: true, path: '/x' }));
  assert.deepEqual(ctx.respond, { status: 308, headers: { location: 'https://example.com:8443/x' } });
});
