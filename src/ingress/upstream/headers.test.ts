import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestHead } from '../downstream/request-head.ts';
import { ClientHeads, requestIdLine } from './headers.ts';

test('new X-Request-ID lines are well formed and unique across batches; a given ID is kept', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const line = requestIdLine(undefined);
    assert.match(line, /^x-request-id: [0-9a-f]{32}\r\n$/);
    seen.add(line);
  }
  assert.equal(seen.size, 1_000);
  assert.equal(requestIdLine('abc'), 'x-request-id: abc\r\n');
  assert.match(requestIdLine(''), /^x-request-id: [0-9a-f]{32}\r\n$/);
  assert.match(requestIdLine('x'.repeat(201)), /^x-request-id: [0-9a-f]{32}\r\n$/);
});

test('a connection builds its upstream heads per Host', () => {
  const heads = new ClientHeads('10.0.0.7', 'http', 8080);
  const id = 'x-request-id: 1\r\n';
  const one = parseRequestHead('GET /a?q=1 HTTP/1.1\r\nHost: A.example:8080\r\nAccept: */*');
  assert.ok(one);
  assert.equal(heads.host(one.host), 'a.example');
  const forwarding = 'x-real-ip: 10.0.0.7\r\nx-forwarded-for: 10.0.0.7\r\nx-forwarded-host: A.example:8080\r\nx-forwarded-port: 8080\r\n' +
    'x-forwarded-proto: http\r\nx-scheme: http\r\n\r\n';
  assert.equal(heads.head(one.requestLine, one.host, one.forwardLines, id),
    `GET /a?q=1 HTTP/1.1\r\nhost: A.example:8080\r\nAccept: */*\r\n${id}${forwarding}`);
  // the next request with the same Host text gets the same string (the hint): no new string, no new hash
  const again = parseRequestHead('GET /b HTTP/1.1\r\nHost: A.example:8080', undefined, one.host);
  assert.ok(again);
  assert.equal(again.host, one.host);
  const other = parseRequestHead('GET /c HTTP/1.1\r\nhost: b.example', undefined, one.host);
  assert.ok(other);
  assert.equal(other.host, 'b.example');
  assert.equal(heads.host(other.host), 'b.example');
  assert.equal(heads.head(other.requestLine, other.host, other.forwardLines, id),
    `GET /c HTTP/1.1\r\nhost: b.example\r\n${id}${forwarding.replace('A.example:8080', 'b.example')}`);
});
