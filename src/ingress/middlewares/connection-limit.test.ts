import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUE, DONE } from '../contract.ts';
import { ConnectionLimitMiddleware } from './connection-limit.ts';
import { newRequestContext } from './fake-context.ts';

function done(ctx: { onDone: Array<() => void> }) {
  for (const f of ctx.onDone) f();
}

test('limit-connections: concurrent requests past the limit get 503; finishing frees a slot', () => {
  const m = new ConnectionLimitMiddleware(2, []);
  const a = newRequestContext({ clientIP: '10.0.0.1' });
  const b = newRequestContext({ clientIP: '10.0.0.1' });
  const c = newRequestContext({ clientIP: '10.0.0.1' });
  assert.equal(m.handle(a), CONTINUE);
  assert.equal(m.handle(b), CONTINUE);
  assert.equal(m.handle(c), DONE);
  assert.equal(c.respond?.status, 503);
  assert.equal(m.handle(newRequestContext({ clientIP: '10.0.0.2' })), CONTINUE, 'another client has its own count');
  done(a);
  assert.equal(m.handle(newRequestContext({ clientIP: '10.0.0.1' })), CONTINUE);
});

test('limit-connections: entries disappear when a client has nothing in flight', () => {
  const m = new ConnectionLimitMiddleware(5, []);
  const ctxs = Array.from({ length: 100 }, (_, i) => newRequestContext({ clientIP: `10.0.0.${i}` }));
  for (const c of ctxs) m.handle(c);
  assert.equal(m.trackedClients, 100);
  for (const c of ctxs) done(c);
  assert.equal(m.trackedClients, 0);
});

test('limit-connections: the release callback is shared, not made per request', () => {
  const m = new ConnectionLimitMiddleware(5, []);
  const a = newRequestContext({ clientIP: '10.0.0.1' });
  const b = newRequestContext({ clientIP: '10.0.0.1' });
  m.handle(a);
  m.handle(b);
  assert.equal(a.onDone[0], b.onDone[0]);
});

test('limit-connections: limit-whitelist clients are exempt', () => {
  const m = new ConnectionLimitMiddleware(1, ['127.0.0.0/8']);
  for (let i = 0; i < 10; i++) assert.equal(m.handle(newRequestContext({ clientIP: '127.0.0.1' })), CONTINUE);
  assert.equal(m.trackedClients, 0);
});
