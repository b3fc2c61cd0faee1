import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestContext } from '../contract.ts';
import { newRequestContext } from './fake-context.ts';
import { SslRedirectMiddleware } from './ssl-redirect.ts';

const cases: Array<{ desc: string; opts: { sslRedirect: boolean; force: boolean; httpsPort: number }; ctx: Partial<RequestContext>; want?: string }> = [
  { desc: 'http to a TLS host redirects (308) to the HTTPS port', opts: { sslRedirect: true, force: false, httpsPort: 8443 }, ctx: { hostHasTLS: true, path: '/p', query: '?q=1' }, want: 'https://example.com:8443/p?q=1' },
  { desc: 'port 443 is left out', opts: { sslRedirect: true, force: false, httpsPort: 443 }, ctx: { hostHasTLS: true, path: '/' }, want: 'https://example.com/' },
  { desc: 'a host without TLS is not redirected', opts: { sslRedirect: true, force: false, httpsPort: 443 }, ctx: { hostHasTLS: false } },
  { desc: 'ssl-redirect "false" keeps TLS hosts on http', opts: { sslRedirect: false, force: false, httpsPort: 443 }, ctx: { hostHasTLS: true } },
  { desc: 'force-ssl-redirect redirects a host without TLS', opts: { sslRedirect: false, force: true, httpsPort: 443 }, ctx: { hostHasTLS: false, path: '/x' }, want: 'https://example.com/x' },
  { desc: 'https requests are not redirected', opts: { sslRedirect: true, force: true, httpsPort: 443 }, ctx: { scheme: 'https', hostHasTLS: true } },
  { desc: 'ACME challenges stay on http', opts: { sslRedirect: true, force: true, httpsPort: 443 }, ctx: { hostHasTLS: true, path: '/.well-known/acme-challenge/token' } },
  { desc: 'an IPv6 literal host gets brackets', opts: { sslRedirect: true, force: true, httpsPort: 8443 }, ctx: { host: '::1', path: '/' }, want: 'https://[::1]:8443/' },
];

for (const c of cases) {
  test(`ssl-redirect: ${c.desc}`, () => {
    const ctx = newRequestContext(c.ctx);
    const m = new SslRedirectMiddleware(c.opts);
    const acts = m.actsOn(ctx.scheme, ctx.hostHasTLS);
    m.handle(ctx);
    // actsOn false promises the middleware never acts on such requests (the core drops it then).
    if (!acts) assert.equal(ctx.respond, undefined);
    if (c.want !== undefined) assert.ok(acts);
    if (c.want === undefined) assert.equal(ctx.respond, undefined);
    else assert.deepEqual(ctx.respond, { status: 308, headers: { location: c.want } });
  });
}
