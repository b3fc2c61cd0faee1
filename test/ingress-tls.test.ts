// TLS over real sockets: certificates chosen by SNI from two Secrets, a Secret rotated live, the
// default certificate otherwise, ssl-redirect (308), HTTP/2 through curl, ssl-passthrough reaching a
// TLS backend whose own certificate the client sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exec } from './harness.ts';
import { INF, eventually, get, httpsGet, ingress, peerCN, randomLoopback, selfSigned, service, startBackend, startEnv, tlsSecret, upsert } from './ingress-fixture.ts';

test('SNI picks the Secret per host, follows a rotation live, falls back to the default certificate', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  await env.source.create(INF.secrets, tlsSecret('one', selfSigned('one.example')));
  await env.source.create(INF.secrets, tlsSecret('two', selfSigned('two.example')));
  await env.source.create(INF.ingresses, ingress('tls', [{ host: 'one.example', paths: [{ service: 'web' }] }, { host: 'two.example', paths: [{ service: 'web' }] }], {
    tls: [{ hosts: ['one.example'], secretName: 'one' }, { hosts: ['two.example'], secretName: 'two' }],
  }));
  await eventually(async () => {
    assert.equal(await peerCN(env.httpsPort, 'one.example'), 'one.example');
    assert.equal(await peerCN(env.httpsPort, 'two.example'), 'two.example');
  });
  assert.match(await peerCN(env.httpsPort, 'nobody.example'), /Fake Certificate/);
  const r = await httpsGet(env.httpsPort, 'one.example', '/x');
  assert.equal(r.status, 200);
  assert.equal(r.json.headers?.['x-forwarded-proto'], 'https');
  // Rotation: the same Secret gets a new certificate; new handshakes see it without restart.
  await upsert(env.source, INF.secrets, tlsSecret('one', selfSigned('one-rotated.example')));
  await eventually(async () => assert.equal(await peerCN(env.httpsPort, 'one.example'), 'one-rotated.example'));
  // ssl-redirect: on by default for hosts with TLS; 308 to https.
  const red = await get(env.httpPort, 'one.example', '/a?b=c');
  assert.equal(red.status, 308);
  assert.equal(red.headers.location, `https://one.example:${env.httpsPort}/a?b=c`);
  // HTTP/2 downstream, negotiated by ALPN.
  const curl = await exec('curl', ['-sk', '--http2', '--max-time', '10', '--resolve', `two.example:${env.httpsPort}:127.0.0.1`,
    '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `https://two.example:${env.httpsPort}/h2`]);
  assert.equal(curl.stdout, '2 200', curl.stderr);
  // A body over HTTP/2 (no Content-Length needed) reaches the backend.
  const post = await exec('curl', ['-sk', '--http2', '--max-time', '10', '--resolve', `two.example:${env.httpsPort}:127.0.0.1`,
    '-H', 'content-type: text/plain', '--data-binary', 'h2 body', `https://two.example:${env.httpsPort}/post`]);
  assert.equal((JSON.parse(post.stdout) as { body?: string; method?: string }).body, 'h2 body', post.stderr);
});

test('ssl-passthrough pipes the TLS connection to the backend, whose certificate the client sees', async (t) => {
  const env = await startEnv(t);
  const pair = selfSigned('backend.passthrough');
  const ip = randomLoopback();
  const srv = createHttpsServer(pair, (_req, res) => res.end('from the TLS backend'));
  await new Promise<void>((r) => srv.listen(0, ip, r));
  t.after(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  await service(env.source, 'tls-backend', [{ ip, port: (srv.address() as AddressInfo).port }], { port: 443 });
  await env.source.create(INF.ingresses, ingress('pass', [{ host: 'pass.example', paths: [{ service: 'tls-backend', port: 443 }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
  }));
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  await env.source.create(INF.ingresses, ingress('normal', [{ host: 'normal.example', paths: [{ service: 'web' }] }]));
  await eventually(async () => assert.equal(await peerCN(env.httpsPort, 'pass.example'), 'backend.passthrough'));
  const r = await httpsGet(env.httpsPort, 'pass.example', '/');
  assert.equal(r.body, 'from the TLS backend');
  // Other hosts on the same port are still terminated by the controller.
  const n = await httpsGet(env.httpsPort, 'normal.example', '/');
  assert.equal(n.json.name, 'web');
  assert.equal(n.json.headers?.['x-real-ip'], '127.0.0.1');
  assert.match(n.cn, /Fake Certificate/);
});
