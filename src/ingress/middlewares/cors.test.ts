import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE, DONE } from '../contract.ts';
import type { RouteAnnotations } from '../contract.ts';
import { CorsMiddleware } from './cors.ts';
import { newRequestContext } from './fake-context.ts';

type Cors = NonNullable<RouteAnnotations['cors']>;
const defaults: Cors = {
  allowOrigin: '*', allowMethods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  allowHeaders: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  allowCredentials: true, maxAge: 1728000,
};

test('cors: a preflight is answered 204 with every Access-Control header', () => {
  const ctx = newRequestContext({ method: 'OPTIONS', headers: { host: 'example.com', origin: 'https://app.example', 'access-control-request-method': 'PUT' } });
  assert.equal(new CorsMiddleware(defaults).handle(ctx), DONE);
  assert.equal(ctx.respond?.status, 204);
  assert.deepEqual(ctx.responseHeaders, {
    'access-control-allow-origin': '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': defaults.allowMethods,
    'access-control-allow-headers': defaults.allowHeaders,
    'access-control-max-age': '1728000',
    'content-type': 'text/plain; charset=utf-8',
    'content-length': '0',
  });
});

test('cors: a normal request gets allow-origin and credentials and goes on', () => {
  const ctx = newRequestContext({ headers: { host: 'example.com', origin: 'https://app.example' } });
  assert.equal(new CorsMiddleware({ ...defaults, exposeHeaders: 'X-Total' }).handle(ctx), CONTINUE);
  assert.equal(ctx.respond, undefined);
  assert.deepEqual(ctx.responseHeaders, {
    'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'X-Total',
  });
});

test('cors: OPTIONS without an Origin is not a preflight and reaches the backend', () => {
  const ctx = newRequestContext({ method: 'OPTIONS' });
  assert.equal(new CorsMiddleware(defaults).handle(ctx), CONTINUE);
});

const origins = [
  { desc: 'an exact origin is echoed', origin: 'https://a.example', want: 'https://a.example' },
  { desc: 'origins compare case-insensitively', origin: 'HTTPS://A.EXAMPLE', want: 'HTTPS://A.EXAMPLE' },
  { desc: 'a wildcard matches one label', origin: 'http://x.b.example:8080', want: 'http://x.b.example:8080' },
  { desc: 'a wildcard does not match two labels', origin: 'http://x.y.b.example:8080', want: undefined },
  { desc: 'a wildcard needs its port', origin: 'http://x.b.example', want: undefined },
  { desc: 'another scheme does not match', origin: 'http://a.example', want: undefined },
  { desc: 'no Origin, no CORS headers', origin: undefined, want: undefined },
];

for (const c of origins) {
  test(`cors allow-origin list: ${c.desc}`, () => {
    const m = new CorsMiddleware({ ...defaults, allowOrigin: 'https://a.example, http://*.b.example:8080', allowCredentials: false });
    const headers = c.origin === undefined ? { host: 'example.com' } : { host: 'example.com', origin: c.origin };
    const ctx = newRequestContext({ headers });
    assert.equal(m.handle(ctx), CONTINUE);
    if (c.want === undefined) {
      assert.deepEqual(ctx.responseHeaders, {});
    } else {
      assert.deepEqual(ctx.responseHeaders, { 'access-control-allow-origin': c.want, vary: 'Origin' });
    }
  });
}

test('cors: a preflight from an origin outside the list goes to the backend', () => {
  const m = new CorsMiddleware({ ...defaults, allowOrigin: 'https://a.example' });
  const ctx = newRequestContext({ method: 'OPTIONS', headers: { host: 'example.com', origin: 'https://evil.example' } });
  assert.equal(m.handle(ctx), CONTINUE);
  assert.equal(ctx.respond, undefined);
});
