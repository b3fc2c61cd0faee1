import assert from 'node:assert/strict';
import { test } from 'node:test';
import { H1ResponseParser } from './h1-response-parser.ts';
import type { ResponseSink } from './h1-response-parser.ts';

// events feeds the response in pieces of `size` chars (0: whole) and returns what the sink heard, the
// body joined.
function events(response: string, size: number, noBody = false): string[] {
  const out: string[] = [];
  let body = '';
  const sink: ResponseSink = {
    onHead: (status, lines, flags, keepAlive) => out.push(`head ${status} ${JSON.stringify(lines)} ${flags} ${keepAlive}`),
    onBody: (chunk) => { body += chunk; },
    onEnd: (keepAlive) => out.push(`body ${JSON.stringify(body)}`, `end ${keepAlive}`),
    onError: (message) => out.push(`error ${message}`),
  };
  const p = new H1ResponseParser();
  p.start(sink, noBody);
  const step = size > 0 ? size : response.length;
  for (let i = 0; i < response.length; i += step) if (!p.text(response.slice(i, i + step))) { out.push('unusable'); break; }
  return out;
}

const RESPONSES = [
  'HTTP/1.1 200 OK\r\nServer: o\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A:  spaced \r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-X: t\r\n\r\n',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nKeep-Alive: timeout=5\r\n\r\n',
  'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n',
];

test('a response split anywhere is read as when it comes whole', () => {
  for (const r of RESPONSES) {
    const whole = events(r, 0);
    assert.ok(whole.length >= 1, r);
    for (const size of [1, 2, 3, 7, 13]) assert.deepEqual(events(r, size), whole, `${JSON.stringify(r)} in pieces of ${size}`);
  }
  assert.deepEqual(events(RESPONSES[1] ?? '', 0), [
    'head 200 "X-A: spaced\\r\\n" 0 true', 'body "hello world"', 'end true',
  ]);
});

test('an oversized head or chunk line fails, also when it comes in pieces', () => {
  const bigHead = 'HTTP/1.1 200 OK\r\nX-Big: ' + 'b'.repeat(70 * 1024);
  assert.deepEqual(events(bigHead, 0), ['error response head too large', 'unusable']);
  assert.deepEqual(events(bigHead, 4096), ['error response head too large', 'unusable']);
  const badChunk = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + '1'.repeat(5000);
  assert.deepEqual(events(badChunk, 100).slice(-2), ['error bad chunk', 'unusable']);
});
