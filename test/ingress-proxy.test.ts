// The proxy over real sockets: forwarding headers, retry on a refused endpoint, WebSocket, gRPC to an
// h2c backend, an HTTPS backend, tcp-services to a TCP echo, and endpoint selection (cookie
// affinity, upstream-hash-by, canary by header and by weight).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect, createServer as createH2Server } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { createSocket } from 'node:dgram';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { INF, eventually, get, ingress, randomLoopback, selfSigned, service, startBackend, startEnv } from './ingress-fixture.ts';

test('forwarding headers; a refused endpoint is retried on the next one', async (t) => {
  const env = await startEnv(t);
  const live = await startBackend(t, 'live');
  const dead = { ip: randomLoopback(), port: 9 };   // nothing listens there: connection refused
  await service(env.source, 'web', [dead, live].map((b) => ({ ip: b.ip, port: live.port })));
  await env.source.create(INF.ingresses, ingress('h', [{ host: 'h.example', paths: [{ service: 'web' }] }]));
  await eventually(async () => assert.equal((await get(env.httpPort, 'h.example', '/')).status, 200));
  for (let i = 0; i < 6; i++) {
    const r = await get(env.httpPort, 'h.example:81', '/p?q=1', { 'x-request-id': i === 0 ? 'given-id' : '' });
    assert.equal(r.status, 200);
    assert.equal(r.json.name, 'live');
    const h = r.json.headers ?? {};
    assert.equal(r.json.url, '/p?q=1');
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-real-ip'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'h.example:81');
    assert.equal(h['x-forwarded-port'], String(env.httpPort));
    assert.equal(h['host'], 'h.example:81');
    if (i === 0) assert.equal(h['x-request-id'], 'given-id');
    else assert.match(h['x-request-id'] ?? '', /^[0-9a-f]{32}$/);
  }
});

test('WebSocket upgrade passes through and echoes', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'ws', [await startBackend(t, 'wsb')]);
  await env.source.create(INF.ingresses, ingress('ws', [{ paths: [{ service: 'ws' }] }]));
  await eventually(async () => assert.equal((await get(env.httpPort, 'any', '/')).status, 200));
  const ws = new WebSocket(`ws://127.0.0.1:${env.httpPort}/socket`);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => ws.send('hello');
    ws.onmessage = (m) => { got.push(String(m.data)); ws.close(); resolve(); };
    ws.onerror = () => reject(new Error('ws error'));
    setTimeout(() => reject(new Error('ws timeout')), 5000);
  });
  assert.deepEqual(got, ['wsb:hello']);
});

test('gRPC (HTTP/2 over TLS downstream, h2c to the backend) with trailers', async (t) => {
  const env = await startEnv(t);
  const ip = randomLoopback();
  const backend = createH2Server();
  backend.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const msg = Buffer.concat(chunks).subarray(5).toString();
      const out = Buffer.from(`${headers[':path']} ${msg}`);
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, out.length]), out]);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'ok' }));
      stream.end(frame);
    });
  });
  await new Promise<void>((r) => backend.listen(0, ip, r));
  t.after(() => new Promise<void>((r) => backend.close(() => r())));
  await service(env.source, 'grpc', [{ ip, port: (backend.address() as AddressInfo).port }], { port: 50051 });
  await env.source.create(INF.ingresses, ingress('grpc', [{ host: 'grpc.example', paths: [{ service: 'grpc', port: 50051 }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' },
  }));
  const call = () => new Promise<{ body: string; trailers: IncomingHttpHeaders; status: unknown }>((resolve, reject) => {
    const client = h2connect(`https://127.0.0.1:${env.httpsPort}`, { servername: 'grpc.example', rejectUnauthorized: false });
    client.on('error', reject);
    const s = client.request({ ':method': 'POST', ':path': '/echo.Echo/Say', ':authority': 'grpc.example', 'content-type': 'application/grpc', te: 'trailers' });
    let status: unknown;
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    s.on('response', (h) => { status = h[':status']; });
    s.on('trailers', (tr) => { trailers = tr; });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => { client.close(); resolve({ body: Buffer.concat(chunks).subarray(5).toString(), trailers, status }); });
    s.on('error', reject);
    s.end(Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from('hi')]));
  });
  await eventually(async () => {
    const r = await call();
    assert.equal(r.status, 200);
    assert.equal(r.body, '/echo.Echo/Say hi');
    assert.equal(r.trailers['grpc-status'], '0');
  });
});

test('HTTPS backend with backend-protocol HTTPS, and secure-backends', async (t) => {
  const env = await startEnv(t);
  const ip = randomLoopback();
  const srv = createHttpsServer(selfSigned('backend'), (req, res) => res.end(`tls backend saw ${req.headers['x-forwarded-proto']}`));
  await new Promise<void>((r) => srv.listen(0, ip, r));
  t.after(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  await service(env.source, 'secure', [{ ip, port: (srv.address() as AddressInfo).port }], { port: 443 });
  await env.source.create(INF.ingresses, ingress('s1', [{ host: 's1.example', paths: [{ service: 'secure', port: 443 }] }], { annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } }));
  await env.source.create(INF.ingresses, ingress('s2', [{ host: 's2.example', paths: [{ service: 'secure', port: 443 }] }], { annotations: { 'ingress.kubernetes.io/secure-backends': 'true' } }));
  await eventually(async () => {
    assert.equal((await get(env.httpPort, 's1.example', '/')).body, 'tls backend saw http');
    assert.equal((await get(env.httpPort, 's2.example', '/')).body, 'tls backend saw http');
  });
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

test('tcp-services forwards a port to a TCP echo Service', async (t) => {
  const port = await freePort();
  const env = await startEnv(t, { tcpServices: 'default/tcp-services' });
  const ip = randomLoopback();
  const echo = createNetServer((c) => c.pipe(c));
  await new Promise<void>((r) => echo.listen(0, ip, r));
  t.after(() => new Promise<void>((r) => echo.close(() => r())));
  await service(env.source, 'echo', [{ ip, port: (echo.address() as AddressInfo).port }], { port: 7000 });
  await env.source.create(INF.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tcp-services', namespace: 'default' }, data: { [String(port)]: 'default/echo:7000' } });
  await eventually(async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const c = netConnect({ host: '127.0.0.1', port }, () => c.end('ping over tcp'));
      let s = '';
      c.setEncoding('utf8').on('data', (d: string) => { s += d; });
      c.on('end', () => resolve(s));
      c.on('error', reject);
    });
    assert.equal(reply, 'ping over tcp');
  });
});

test('udp-services forwards datagrams to a UDP echo Service and back', async (t) => {
  const port = await freePort();
  const env = await startEnv(t, { udpServices: 'default/udp-services' });
  const ip = randomLoopback();
  const echo = createSocket('udp4');
  echo.on('message', (m, r) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
  await new Promise<void>((r) => echo.bind(0, ip, r));
  t.after(() => new Promise<void>((r) => echo.close(() => r())));
  await service(env.source, 'udp-echo', [{ ip, port: echo.address().port }], { port: 5353 });
  await env.source.create(INF.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'udp-services', namespace: 'default' }, data: { [String(port)]: 'default/udp-echo:5353' } });
  const client = createSocket('udp4');
  t.after(() => new Promise<void>((r) => client.close(() => r())));
  await eventually(async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no UDP reply')), 300);
      client.once('message', (m) => { clearTimeout(timer); resolve(m.toString()); });
      client.send('ping', port, '127.0.0.1');
    });
    assert.equal(reply, 'echo:ping');
  });
});

test('selection: cookie affinity pins a backend; upstream-hash-by is stable; canary by header and weight', async (t) => {
  const env = await startEnv(t);
  const b1 = await startBackend(t, 'b1');
  const bs = [b1, await startBackend(t, 'b2', randomLoopback(), b1.port), await startBackend(t, 'b3', randomLoopback(), b1.port)];
  await service(env.source, 'pool', bs);
  await env.source.create(INF.ingresses, ingress('sticky', [{ host: 'sticky.example', paths: [{ service: 'pool' }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/session-cookie-hash': 'sha1' },
  }));
  await env.source.create(INF.ingresses, ingress('hashed', [{ host: 'hash.example', paths: [{ service: 'pool' }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/upstream-hash-by': '$http_x_user' },
  }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'sticky.example', '/')).status, 200));
  const first = await get(env.httpPort, 'sticky.example', '/');
  const setCookie = String(first.headers['set-cookie'] ?? '');
  assert.match(setCookie, /^route=[0-9a-f]{40}; Path=\//);
  const cookie = setCookie.split(';')[0] ?? '';
  for (let i = 0; i < 10; i++) assert.equal((await get(env.httpPort, 'sticky.example', '/', { cookie })).json.name, first.json.name);
  const seen = new Set<string>();
  for (let i = 0; i < 9; i++) seen.add((await get(env.httpPort, 'sticky.example', '/')).json.name ?? '');
  assert.equal(seen.size, 3, 'without the cookie, requests spread');
  for (const user of ['alice', 'bob', 'carol']) {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) names.add((await get(env.httpPort, 'hash.example', '/', { 'x-user': user })).json.name ?? '');
    assert.equal(names.size, 1, `${user} always reaches one backend`);
  }
  const canary = await startBackend(t, 'canary');
  await service(env.source, 'canary', [canary]);
  const main = await startBackend(t, 'main');
  await service(env.source, 'main', [main]);
  await env.source.create(INF.ingresses, ingress('main', [{ host: 'c.example', paths: [{ service: 'main' }] }]));
  await env.source.create(INF.ingresses, ingress('canary-h', [{ host: 'c.example', paths: [{ service: 'canary' }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary', 'nginx.ingress.kubernetes.io/canary-weight': '30' },
  }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'c.example', '/', { 'x-canary': 'always' })).json.name, 'canary'));
  for (let i = 0; i < 20; i++) assert.equal((await get(env.httpPort, 'c.example', '/', { 'x-canary': 'never' })).json.name, 'main');
  let hits = 0;
  const N = 1000;
  for (let i = 0; i < N; i++) if ((await get(env.httpPort, 'c.example', '/')).json.name === 'canary') hits++;
  assert.ok(Math.abs(hits / N - 0.30) <= 0.05, `canary share ${hits / N}`);
});
