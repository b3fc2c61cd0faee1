import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeEventText, toEvent } from './watch-hub.ts';

const text = '{"metadata":{"name":"a","resourceVersion":"3"},"n":2}';
const prevText = '{"metadata":{"name":"a","resourceVersion":"2"},"n":1}';

test('toEvent parses lazily, per event, and spreads like a plain object', () => {
  const ev = toEvent({ rev: 3, key: '/registry/x/a', type: 'MODIFIED', text, prevText });
  assert.equal(storeEventText(ev), text);
  assert.deepEqual({ ...ev }, { type: 'MODIFIED', key: '/registry/x/a', revision: 3, object: JSON.parse(text), prevObject: JSON.parse(prevText) });
  assert.equal(ev.object, ev.object, 'parsed once, then the same object');
  ev.object['n'] = 9;
  assert.equal(toEvent({ rev: 3, key: '/registry/x/a', type: 'MODIFIED', text }).object['n'], 2, 'events do not share objects');
  ev.object = { metadata: { name: 'converted' } };
  assert.equal(ev.object.metadata?.name, 'converted');
  assert.equal(storeEventText(ev), undefined, 'a replaced object has no stored text');
});

test('toEvent without prevText has no prevObject property', () => {
  const ev = toEvent({ rev: 1, key: '/registry/x/a', type: 'ADDED', text });
  assert.equal('prevObject' in ev, false);
  assert.equal(storeEventText({ type: 'ADDED', key: 'k', object: {}, revision: 1 }), undefined);
});
