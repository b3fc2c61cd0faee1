// The plain-HTTP fast path against node:http: the same raw requests go through a server with the fast
// path and one without, and the bytes the origin receives and the client receives must be identical
// (modulo Date and generated X-Request-IDs). Then the connection-level cases: keep-alive, pipelining,
// bodies and upgrades handed to node:http mid-connection, malformed/oversized heads, a client leaving
// mid-response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnnotations } from '../annotations/index.ts';
import { IngressHandler } from '../handler.ts';
import { buildMiddlewares } from '../middlewares/index.ts';
import { Backends } from '../provider/backends.ts';
import { Certificates } from '../provider/certificates.ts';
import { compile } from '../provider/compile.ts';
import { IngressServer } from '../server.ts';
import { defaultCertificate } from '../tls/default-certificate.ts';
import { Pools } from '../upstream/pools.ts';
import { EndpointRegistry } from '../upstream/upstream.ts';

const BIG = 'x'.repeat(100_000);
const RESPONSES: Record<string, string> = {
  '/cl': 'HTTP/1.1 200 OK\r\nServer: origin\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello',
  '/chunked': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
  '/204': 'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n',
  '/304': 'HTTP/1.1 304 Not Modified\r\nETag: "e"\r\n\r\n',
  '/empty': 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
  '/big': `HTTP/1.1 200 OK\r\nContent-Length: ${BIG.length}\r\n\r\n${BIG}`,
  '/eof': 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close',
  '/404': 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nKeep-Alive: timeout=5\r\n\r\nno!',
};

interface Origin { port: number; got: string[]; server: Server; closed: { n: number }; stop(): void }

// startOrigin answers by path from RESPONSES, echoes request bodies, and switches protocols on Upgrade.
async function startOrigin(): Promise<Origin> {
  const got: string[] = [];
  const closed = { n: 0 };
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    let buf = Buffer.alloc(0);
    s.on('close', () => closed.n++);
    s.on('error', () => s.destroy());
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const cl = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + cl) return;
        const body = buf.toString('latin1', end + 4, end + 4 + cl);
        buf = buf.subarray(end + 4 + cl);
        got.push(head + '\r\n\r\n' + body);
        const path = head.split(' ')[1] ?? '';
        if (/\r\nupgrade: websocket/i.test(head)) {
          s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
          s.removeAllListeners('data');
          s.on('data', (x: Buffer) => s.write('echo:' + x.toString()));
          return;
        }
        if (path === '/slow') { setTimeout(() => { if (!s.destroyed) s.write(RESPONSES['/cl'] ?? ''); }, 300); continue; }
        if (path === '/body') { s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`); continue; }
        const r = RESPONSES[path] ?? RESPONSES['/cl'] ?? '';
        s.write(r);
        if (path === '/eof') s.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // stop also drops the connections a keep-alive Agent still holds (they would keep the test alive)
  const stop = () => { for (const c of open) c.destroy(); server.close(); };
  return { port: (server.address() as AddressInfo).port, got, server, closed, stop };
}

async function startIngress(originPort: number, fastPath: boolean, dir: string): Promise<{ port: number; close(graceMs?: number): Promise<void> }> {
  const svc = (name: string) => ({ metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  const slices = (_ns: string, name: string) => name === 'none' ? [] : [{
    metadata: { name: `${name}-1`, namespace: 'default' }, addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: '', port: name === 'dead' ? 9 : originPort }],
  }];
  const view = { service: (_ns: string, name: string) => svc(name), slices, secret: () => undefined, configMap: () => undefined };
  const backend = (name: string) => ({ service: { name, port: { number: 80 } } });
  const ing = (name: string, host: string, service: string, annotations: Record<string, string> = {}) => ({
    metadata: { name, namespace: 'default', uid: name, creationTimestamp: new Date(0), annotations },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(service) }] } }] },
  });
  const ings = [ing('a', 'a.example', 'origin'), ing('b', 'none.example', 'none'), ing('c', 'dead.example', 'dead'),
    ing('d', 'cors.example', 'origin', { 'nginx.ingress.kubernetes.io/enable-cors': 'true' })];
  const compiled = compile(ings as never, {
    view: view as never, backends: new Backends(view as never, new EndpointRegistry()), certificates: new Certificates(),
    annotations: (i: { metadata: { annotations: Record<string, string> } }) => parseAnnotations(i.metadata.annotations, { namespace: 'default', configMap: () => undefined }),
    middlewares: (_i: unknown, cfg: never) => buildMiddlewares(cfg, { now: Date.now }),
  } as never, 1);
  const handler = new IngressHandler({ table: { ...compiled.table, tcp: [], udp: [] }, pools: new Pools() });
  const server = new IngressServer({
    handler, http: { host: '127.0.0.1', port: 0 }, https: { host: '127.0.0.1', port: 0 }, defaultCertificate: defaultCertificate(dir), fastPath,
  });
  const { httpPort } = await server.listen();
  return { port: httpPort, close: async (graceMs = 100) => { await server.close(graceMs); handler.close(); } };
}

// exchange writes the chunks (50 ms apart) and returns what came back once the connection was quiet
// for quietMs or closed.
function exchange(port: number, chunks: string[], quietMs = 150, onSocket?: (s: Socket) => void): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean) => { clearTimeout(timer); s.destroy(); resolve({ text, closed }); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => done(false), quietMs); };
    s.on('data', (d: Buffer) => { text += d.toString('latin1'); arm(); });
    s.on('close', () => done(true));
    s.on('error', () => { /* close follows */ });
    s.on('connect', async () => {
      onSocket?.(s);
      for (const c of chunks) { s.write(c); await new Promise((r) => setTimeout(r, 50)); }
      arm();
    });
  });
}

const norm = (s: string) => s.replace(/^Date: .*$/gm, 'Date: X').replace(/^x-request-id: [0-9a-f]{32}$/gm, 'x-request-id: X')
  .replace(/^x-forwarded-port: \d+$/gm, 'x-forwarded-port: P');
const req = (path: string, extra = '', method = 'GET', version = '1.1') => `${method} ${path} HTTP/${version}\r\nHost: a.example\r\n${extra}\r\n`;

// viaNode: cases the fast path hands to node:http (at least in part).
const CASES: { desc: string; send: string[]; viaNode?: boolean }[] = [
  { desc: 'content-length response', send: [req('/cl?q=1', 'User-Agent: t\r\nAccept: */*\r\n')] },
  { desc: 'chunked response re-chunked, set-cookie kept', send: [req('/chunked')] },
  { desc: 'HEAD', send: [req('/cl', '', 'HEAD')] },
  { desc: '204 and 304', send: [req('/204') + req('/304')] },
  { desc: 'empty body', send: [req('/empty')] },
  { desc: 'big body', send: [req('/big')] },
  { desc: 'body until the backend closes', send: [req('/eof')] },
  { desc: 'backend keep-alive header dropped', send: [req('/404')] },
  { desc: 'duplicate and hop-by-hop headers', send: [req('/cl', 'X-A: 1\r\nx-a: 2\r\nCookie: a=1\r\nCookie: b=2\r\nUser-Agent: one\r\nUser-Agent: two\r\nTE: trailers\r\nKeep-Alive: 5\r\nX-Forwarded-For: 9.9.9.9\r\nConnection: keep-alive\r\nConstructor: c\r\n__proto__: p\r\nSet-Cookie: s1\r\nset-cookie: s2\r\nHost: second.example\r\n')] },
  { desc: 'every header the proxy sets or drops, and odd spacing', send: [req('/cl', 'Proxy-Connection: x\r\nTrailer: t\r\nProxy-Authorization: p\r\nX-Forwarded-Proto: https\r\nX-FORWARDED-HOST: h\r\nx-forwarded-port: 1\r\nX-Real-IP: 1.2.3.4\r\nX-Original-URI: /u\r\nX-Scheme: https\r\nX-Sp:   v  \r\nX-NoSp:v\r\nAccept: a\r\n')] },
  { desc: 'odd request-target characters', send: [req('/cl/"{|}^`\\#f?q=[]&r=%20')] },
  { desc: 'HEAD of a chunked response', send: [req('/chunked', '', 'HEAD')] },
  { desc: 'DELETE and OPTIONS, empty values, Content-Length: 0', send: [req('/cl', 'X-Empty:\r\nX-Tab:\tv\t\r\n', 'DELETE') + req('/cl', 'Content-Length: 0\r\n', 'OPTIONS')] },
  { desc: 'a given x-request-id is kept', send: [req('/cl', 'X-Request-ID: given\r\n')] },
  { desc: 'Connection: close', send: [req('/cl', 'Connection: close\r\n')] },
  { desc: 'keep-alive, three requests, then pipelined', send: [req('/cl'), req('/chunked'), req('/cl') + req('/204') + req('/empty')] },
  { desc: 'split head', send: ['GET /cl HTTP/1.1\r\nHo', 'st: a.example\r\n', '\r\n'] },
  { desc: 'HTTP/1.0 (node:http)', send: [req('/cl', '', 'GET', '1.0')], viaNode: true },
  { desc: 'HTTP/1.0 keep-alive (node:http)', send: [req('/cl', 'Connection: keep-alive\r\n', 'GET', '1.0') + req('/cl')], viaNode: true },
  { desc: 'no route: 404', send: [`GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n` + req('/cl')] },
  { desc: 'no endpoints: 503', send: [`GET / HTTP/1.1\r\nHost: none.example\r\n\r\n` + req('/cl')] },
  { desc: 'backend down: 502', send: [`GET / HTTP/1.1\r\nHost: dead.example\r\n\r\n`, req('/cl')] },
  { desc: 'a body goes to node:http mid-connection', send: [req('/cl'), `POST /body HTTP/1.1\r\nHost: a.example\r\nContent-Length: 4\r\n\r\nabcd` + req('/cl')], viaNode: true },
  { desc: 'chunked request body', send: [`POST /body HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`], viaNode: true },
  { desc: 'a middleware route goes to node:http', send: [req('/cl'), `OPTIONS / HTTP/1.1\r\nHost: cors.example\r\nOrigin: http://x\r\n\r\n`, `GET /cl HTTP/1.1\r\nHost: cors.example\r\n\r\n`], viaNode: true },
  { desc: 'malformed head: 400', send: [req('/cl'), 'GET /cl HTTP/1.1\r\nHost: a.example\r\nBad Header: x\r\n\r\n'], viaNode: true },
  { desc: 'unknown method: 400', send: ['FOO /cl HTTP/1.1\r\nHost: a.example\r\n\r\n'], viaNode: true },
  { desc: 'no Host: 400', send: ['GET /cl HTTP/1.1\r\n\r\n'], viaNode: true },
  { desc: 'oversized head: 431', send: [req('/cl'), req('/cl', `X-Big: ${'b'.repeat(20_000)}\r\n`)], viaNode: true },
  { desc: 'incomplete head then FIN', send: ['GET /cl HTTP/1.1\r\nHost: a'], viaNode: true },
  { desc: 'upgrade mid-connection', send: [req('/cl'), req('/ws', 'Upgrade: websocket\r\nConnection: Upgrade\r\n'), 'ping'], viaNode: true },
];

test('the fast path sends and answers the same bytes as node:http', async (t) => {
  const calls = { fast: 0, node: 0 };
  const { handle, handleFast } = IngressHandler.prototype;
  IngressHandler.prototype.handleFast = function (...a) { const ok = handleFast.apply(this, a); if (ok) calls.fast++; return ok; };
  IngressHandler.prototype.handle = function (...a) { calls.node++; handle.apply(this, a); };
  t.after(() => { IngressHandler.prototype.handle = handle; IngressHandler.prototype.handleFast = handleFast; });
  const dir = mkdtempSync(join(tmpdir(), 'portico-fast-'));
  const origin = await startOrigin();
  const fast = await startIngress(origin.port, true, dir);
  const slow = await startIngress(origin.port, false, dir);
  t.after(async () => { await fast.close(); await slow.close(); origin.stop(); rmSync(dir, { recursive: true, force: true }); });
  for (const c of CASES) {
    const out: { client: string; origin: string[] }[] = [];
    for (const srv of [slow, fast]) {
      origin.got.length = 0;
      calls.fast = 0; calls.node = 0;
      const half = c.desc.includes('FIN');
      const r = await exchange(srv.port, c.send, 150, half ? (s) => setTimeout(() => s.end(), 20) : undefined);
      out.push({ client: norm(r.text), origin: origin.got.map(norm) });
      if (srv === fast) {
        if (c.viaNode) assert.ok(calls.fast < c.send.length, `${c.desc}: node:http served some`);
        else assert.ok(calls.fast > 0 && calls.node === 0, `${c.desc}: fast path served it (${calls.fast}/${calls.node})`);
      } else assert.equal(calls.fast, 0);
      if (process.env['SHOW']) console.log(c.desc, srv === fast ? 'fast' : 'node', JSON.stringify(r.text.slice(0, 600)));
    }
    const [want, got] = out;
    assert.ok(want && got);
    assert.notEqual(want.client, '', c.desc);
    assert.equal(got.client, want.client, `${c.desc}: client bytes`);
    assert.deepEqual(got.origin, want.origin, `${c.desc}: origin bytes`);
  }
});

for (const fastPath of [true, false]) {
  test(`${fastPath ? 'fast path' : 'node:http'}: a client leaving mid-response frees the backend connection; the server keeps serving`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-fast-'));
    const origin = await startOrigin();
    const srv = await startIngress(origin.port, fastPath, dir);
    t.after(async () => { await srv.close(); origin.stop(); rmSync(dir, { recursive: true, force: true }); });
    const left = await exchange(srv.port, [req('/slow')], 50);
    assert.equal(left.text, '');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(origin.closed.n, 1, 'the backend connection of the abandoned request is closed');
    // A FIN mid-request ends the connection (node:http has no half-open HTTP): the request is aborted.
    const fin = await exchange(srv.port, [req('/slow')], 500, (s) => setTimeout(() => s.end(), 20));
    assert.deepEqual(fin, { text: '', closed: true });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(origin.closed.n, 2, 'the backend connection of the half-closed request is closed');
    const r = await exchange(srv.port, [req('/cl') + req('/cl')]);
    assert.equal((r.text.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 2);
    assert.match(r.text, /Connection: keep-alive\r\nKeep-Alive: timeout=75\r\n\r\nhello/);
  });
}

for (const fastPath of [true, false]) {
  test(`${fastPath ? 'fast path' : 'node:http'}: closing the server lets a request in flight finish with Connection: close, without waiting out the grace`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-fast-'));
    const origin = await startOrigin();
    const srv = await startIngress(origin.port, fastPath, dir);
    t.after(() => { origin.stop(); rmSync(dir, { recursive: true, force: true }); });
    const idle = await new Promise<Socket>((r) => { const s = connect(srv.port, '127.0.0.1', () => r(s)); s.on('error', () => {}); });
    const idleClosed = new Promise<void>((r) => idle.on('close', () => r()));
    const pending = exchange(srv.port, [req('/slow')], 1_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await srv.close(10_000);
    const took = Date.now() - started;
    const r = await pending;
    await idleClosed;
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.text, /\r\nConnection: close\r\n/);
    assert.ok(r.closed, 'the connection closes after its response');
    assert.ok(took < 3_000, `close took ${took} ms`);
  });
}

test('a request with a body forwards the client header lines as a body-less one does: names in its case, repeated lines kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-fast-'));
  const origin = await startOrigin();
  const srv = await startIngress(origin.port, true, dir);
  t.after(async () => { await srv.close(); origin.stop(); rmSync(dir, { recursive: true, force: true }); });
  const lines = 'X-Mixed-Case: 1\r\nX-Dup: a\r\nAccept: text/plain\r\nX-Dup: b\r\n';
  await exchange(srv.port, [req('/cl', lines), req('/body', `${lines}Content-Length: 4\r\n`, 'POST') + 'abcd']);
  assert.equal(origin.got.length, 2);
  for (const head of origin.got) {
    const kept = head.split('\r\n').filter((l) => /^(x-mixed-case|x-dup|accept):/i.test(l));
    assert.deepEqual(kept, ['X-Mixed-Case: 1', 'X-Dup: a', 'Accept: text/plain', 'X-Dup: b'], head);
    assert.match(head, /\r\nhost: a\.example\r\n/);
    assert.match(head, /\r\nx-forwarded-for: 127\.0\.0\.1\r\n/);
  }
});
