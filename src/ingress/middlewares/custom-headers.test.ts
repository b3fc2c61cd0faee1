import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE } from '../contract.ts';
import { CustomHeadersMiddleware } from './custom-headers.ts';
import { newRequestContext } from './fake-context.ts';

test('custom-headers: every entry becomes a response header', () => {
  const ctx = newRequestContext();
  ctx.responseHeaders['x-existing'] = '1';
  assert.equal(new CustomHeadersMiddleware({ 'X-Frame-Options': 'DENY', 'X-Team': 'blue' }).handle(ctx), CONTINUE);
  assert.deepEqual(ctx.responseHeaders, { 'x-existing': '1', 'X-Frame-Options': 'DENY', 'X-Team': 'blue' });
  assert.deepEqual(ctx.upstreamHeaders, {});
});
