import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE, DONE } from '../contract.ts';
import { AllowlistMiddleware } from './allowlist.ts';
import { newRequestContext } from './fake-context.ts';

const cases = [
  { desc: 'a client inside the range passes', cidrs: ['10.0.0.0/24'], ip: '10.0.0.5', want: CONTINUE },
  { desc: 'a client outside the range gets 403', cidrs: ['10.0.0.0/24'], ip: '10.0.1.5', want: DONE },
  { desc: 'any of several ranges', cidrs: ['10.0.0.0/24', '127.0.0.1/32'], ip: '127.0.0.1', want: CONTINUE },
  { desc: 'a mistyped list fails closed', cidrs: ['office'], ip: '127.0.0.1', want: DONE },
];

for (const c of cases) {
  test(`allowlist: ${c.desc}`, () => {
    const ctx = newRequestContext({ clientIP: c.ip });
    assert.equal(new AllowlistMiddleware(c.cidrs).handle(ctx), c.want);
    if (c.want === DONE) assert.equal(ctx.respond?.status, 403);
    else assert.equal(ctx.respond, undefined);
  });
}
