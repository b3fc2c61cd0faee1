import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestContext } from './fake-context.ts';
import { HstsMiddleware } from './hsts.ts';

const cases = [
  { desc: 'defaults on https', scheme: 'https' as const, tls: true, h: { enabled: true, maxAge: 31536000, includeSubdomains: true, preload: false }, want: 'max-age=31536000; includeSubDomains' },
  { desc: 'preload without subdomains', scheme: 'https' as const, tls: true, h: { enabled: true, maxAge: 600, includeSubdomains: false, preload: true }, want: 'max-age=600; preload' },
  { desc: 'not for hosts under the default certificate', scheme: 'https' as const, tls: false, h: { enabled: true, maxAge: 600, includeSubdomains: true, preload: true }, want: undefined },
  { desc: 'never over http', scheme: 'http' as const, tls: true, h: { enabled: true, maxAge: 600, includeSubdomains: true, preload: true }, want: undefined },
];

for (const c of cases) {
  test(`hsts: ${c.desc}`, () => {
    const ctx = newRequestContext({ scheme: c.scheme, hostHasTLS: c.tls });
    const m = new HstsMiddleware(c.h);
    m.handle(ctx);
    assert.equal(ctx.responseHeaders['strict-transport-security'], c.want);
    assert.equal(m.actsOn(c.scheme, c.tls), c.want !== undefined);
  });
}
