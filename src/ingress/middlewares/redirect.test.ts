import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DONE } from '../contract.ts';
import { newRequestContext } from './fake-context.ts';
import { RedirectMiddleware } from './redirect.ts';

const cases = [
  { desc: 'permanent-redirect 301', name: 'permanent-redirect' as const, url: 'https://www.example.org/', code: 301, want: 'https://www.example.org/' },
  { desc: 'permanent-redirect with code 308', name: 'permanent-redirect' as const, url: 'https://www.example.org/', code: 308, want: 'https://www.example.org/' },
  { desc: 'temporal-redirect 302', name: 'temporal-redirect' as const, url: 'http://maintenance.example.org/', code: 302, want: 'http://maintenance.example.org/' },
  { desc: 'a URL with $request_uri keeps the path and query', name: 'permanent-redirect' as const, url: 'https://new.example.org$request_uri', code: 301, want: 'https://new.example.org/a/b?c=d' },
];

for (const c of cases) {
  test(`redirect: ${c.desc}`, () => {
    const ctx = newRequestContext({ path: '/a/b', query: '?c=d' });
    const m = new RedirectMiddleware({ name: c.name, url: c.url, code: c.code });
    assert.equal(m.name, c.name);
    assert.equal(m.handle(ctx), DONE);
    assert.deepEqual(ctx.respond, { status: c.code, headers: { location: c.want } });
  });
}
