import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE } from '../contract.ts';
import { newRequestContext } from './fake-context.ts';
import { RewriteMiddleware } from './rewrite.ts';

// ingress-nginx's rewrite example: path /something(/|$)(.*) with rewrite-target /$2.
const route = /^\/something(\/|$)(.*)/i;
const cases = [
  { desc: 'captures: /something → /', target: '/$2', path: '/something', query: '', regex: true, want: '/' },
  { desc: 'captures: /something/ → /', target: '/$2', path: '/something/', query: '', regex: true, want: '/' },
  { desc: 'captures: /something/new → /new', target: '/$2', path: '/something/new', query: '', regex: true, want: '/new' },
  { desc: 'captures keep the query', target: '/$2', path: '/something/new', query: '?a=1', regex: true, want: '/new?a=1' },
  { desc: 'without captures the whole URI becomes the target', target: '/', path: '/foo/bar', query: '', regex: false, want: '/' },
  { desc: 'a target with its own query appends the request\'s after &', target: '/v2?x=1', path: '/foo', query: '?a=1', regex: false, want: '/v2?x=1&a=1' },
  { desc: 'a target ending in ? drops the request\'s query', target: '/v2?', path: '/foo', query: '?a=1', regex: false, want: '/v2' },
  { desc: 'a target with $uri', target: '/prefix$uri', path: '/foo', query: '?a=1', regex: false, want: '/prefix/foo?a=1' },
];

for (const c of cases) {
  test(`rewrite-target: ${c.desc}`, () => {
    const ctx = newRequestContext({ path: c.path, query: c.query, match: c.regex ? route.exec(c.path) : null });
    assert.equal(new RewriteMiddleware(c.target).handle(ctx), CONTINUE);
    assert.equal(ctx.upstreamPath, c.want);
    assert.equal(ctx.path, c.path, 'the client-facing path is unchanged');
  });
}
