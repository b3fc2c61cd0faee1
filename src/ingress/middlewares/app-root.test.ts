import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE, DONE } from '../contract.ts';
import { AppRootMiddleware } from './app-root.ts';
import { newRequestContext } from './fake-context.ts';

test('app-root: "/" gets 302 to the app root on the same scheme and Host', () => {
  const ctx = newRequestContext({ path: '/', query: '?x=1', scheme: 'https', headers: { host: 'approot.bar.com:8443' } });
  assert.equal(new AppRootMiddleware('/app1').handle(ctx), DONE);
  assert.deepEqual(ctx.respond, { status: 302, headers: { location: 'https://approot.bar.com:8443/app1' } });
});

test('app-root: other paths pass', () => {
  const ctx = newRequestContext({ path: '/app1/page' });
  assert.equal(new AppRootMiddleware('/app1').handle(ctx), CONTINUE);
  assert.equal(ctx.respond, undefined);
});
