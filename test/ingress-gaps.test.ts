// Behaviours closed after the first ingress version, over real sockets: ssl-redirect as a middleware
// (ACME exempt, after the allowlist, WebSocket upgrades redirected too), chains that skip the
// RequestContext, proxy-body-size on chunked bodies, the affinity cookie's Path, a custom-headers
// ConfigMap edited live, status cleared when the class changes, proxy-send-timeout, proxy-read-timeout, proxy-connect-timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { INF, eventually, get, httpsGet, ingress, randomLoopback, service, startBackend, startEnv, upsert } from './ingress-fixture.ts';
import type { KubeObject } from '../src/api/types.ts';
import { nftablesProblem } from '../src/proxy/backends/nftables/preflight.ts';

const A = 'nginx.ingress.kubernetes.io/';

test('ssl-redirect is the middleware: ACME exempt, allowlist first, upgrades too; default chains are empty', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  await env.source.create(INF.ingresses, ingress('sec', [{ host: 'sec.example', paths: [{ service: 'web' }] }], { tls: [{ hosts: ['sec.example'], secretName: 'none' }] }));
  await env.source.create(INF.ingresses, ingress('deny', [{ host: 'deny.example', paths: [{ service: 'web' }] }], {
    tls: [{ hosts: ['deny.example'], secretName: 'none' }], annotations: { [`${A}whitelist-source-range`]: '10.0.0.0/8' },
  }));
  await env.source.create(INF.ingresses, ingress('plain', [{ host: 'plain.example', paths: [{ service: 'web' }] }]));
  await eventually(async () => assert.equal((await get(env.httpPort, 'plain.example', '/')).status, 200));
  const red = await get(env.httpPort, 'sec.example', '/a?b=c');
  assert.equal(red.status, 308);
  assert.equal(red.headers.location, `https://sec.example:${env.httpsPort}/a?b=c`);
  const acme = await get(env.httpPort, 'sec.example', '/.well-known/acme-challenge/token1');
  assert.equal(acme.status, 200);
  assert.equal(acme.json.url, '/.well-known/acme-challenge/token1');
  assert.equal((await get(env.httpPort, 'deny.example', '/')).status, 403, 'the allowlist answers before the redirect');
  const tls = await httpsGet(env.httpsPort, 'sec.example', '/');
  assert.equal(tls.status, 200);
  assert.match(String(tls.headers['strict-transport-security']), /max-age=31536000/);
  // A WebSocket upgrade over plain HTTP is redirected with its Location too.
  const head = await rawRequest(env.httpPort, 'GET /ws HTTP/1.1\r\nhost: sec.example\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
    'sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  assert.match(head, /^HTTP\/1.1 308/);
  assert.match(head, new RegExp(`location: https://sec.example:${env.httpsPort}/ws`));
  // Chains: a route with default annotations has ssl-redirect and HSTS, which act only with TLS.
  const table = await tableNow(env);
  const m = { exec: null };
  const plain = table.router.match('plain.example', '/', m);
  const sec = table.router.match('sec.example', '/', m);
  assert.ok(plain && sec);
  assert.deepEqual(plain.middlewares.map((x) => x.name), ['ssl-redirect', 'hsts']);
  assert.equal(plain.httpChain.length, 0);
  assert.equal(plain.httpsChain.length, 0);
  assert.deepEqual(sec.httpChain.map((x) => x.name), ['ssl-redirect']);
  assert.deepEqual(sec.httpsChain.map((x) => x.name), ['hsts']);
});

test('proxy-body-size counts chunked bodies: 413 over the limit, forwarded under it', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  await env.source.create(INF.ingresses, ingress('small', [{ host: 'small.example', paths: [{ service: 'web' }] }], { annotations: { [`${A}proxy-body-size`]: '16' } }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'small.example', '/')).status, 200));
  const big = await chunked(env.httpPort, 'small.example', ['0123456789', '0123456789', '0123456789']);
  assert.equal(big.status, 413);
  const ok = await chunked(env.httpPort, 'small.example', ['01234', '56789']);
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body) as { body: string }).body, '0123456789');
  // One chunk over the limit, then the same connection pattern again: the ingress keeps serving.
  assert.equal((await chunked(env.httpPort, 'small.example', ['x'.repeat(40)])).status, 413);
  assert.equal((await get(env.httpPort, 'small.example', '/')).status, 200);
});

test('the affinity cookie Path is the location path by default', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'a'), await startBackend(t, 'b')]);
  await env.source.create(INF.ingresses, ingress('sticky', [{ host: 'sticky.example', paths: [{ path: '/shop', service: 'web' }] }], { annotations: { [`${A}affinity`]: 'cookie' } }));
  await env.source.create(INF.ingresses, ingress('sticky-path', [{ host: 'sticky2.example', paths: [{ path: '/shop', service: 'web' }] }], {
    annotations: { [`${A}affinity`]: 'cookie', [`${A}session-cookie-path`]: '/' },
  }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'sticky2.example', '/shop/x')).status, 200));
  assert.match(String((await get(env.httpPort, 'sticky.example', '/shop/cart')).headers['set-cookie']), /^route=[^;]+; Path=\/shop;/);
  assert.match(String((await get(env.httpPort, 'sticky2.example', '/shop/cart')).headers['set-cookie']), /^route=[^;]+; Path=\/;/);
});

test('editing the custom-headers ConfigMap takes effect', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hdrs', namespace: 'default' }, data: { 'X-Version': v } }) as KubeObject;
  await env.source.create(INF.configMaps, cm('one'));
  await env.source.create(INF.ingresses, ingress('hdr', [{ host: 'hdr.example', paths: [{ service: 'web' }] }], { annotations: { [`${A}custom-headers`]: 'default/hdrs' } }));
  await eventually(async () => assert.equal((await get(env.httpPort, 'hdr.example', '/')).headers['x-version'], 'one'));
  // Wait for the status write (it changes the Ingress's resourceVersion, which would hide the point).
  await eventually(async () => {
    const got = await env.source.get(INF.ingresses, 'default', 'hdr') as { status?: { loadBalancer?: { ingress?: unknown[] } } };
    assert.equal(got.status?.loadBalancer?.ingress?.length, 1);
  });
  await new Promise((r) => setTimeout(r, 200));
  await upsert(env.source, INF.configMaps, cm('two'));
  await eventually(async () => assert.equal((await get(env.httpPort, 'hdr.example', '/')).headers['x-version'], 'two'));
});

test('status.loadBalancer is cleared when an Ingress stops being ours', async (t) => {
  const env = await startEnv(t);
  await service(env.source, 'web', [await startBackend(t, 'web')]);
  const ing = (className: string) => ingress('moving', [{ host: 'moving.example', paths: [{ service: 'web' }] }], { className });
  await env.source.create(INF.ingresses, ing('portico'));
  const lb = async () => ((await env.source.get(INF.ingresses, 'default', 'moving')) as { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }).status?.loadBalancer?.ingress;
  await eventually(async () => assert.deepEqual(await lb(), [{ ip: '127.0.0.1' }]));
  await upsert(env.source, INF.ingresses, ing('nginx'));
  await eventually(async () => assert.equal((await get(env.httpPort, 'moving.example', '/')).status, 404));
  await eventually(async () => assert.deepEqual((await lb()) ?? [], []));
  await upsert(env.source, INF.ingresses, ing('portico'));
  await eventually(async () => assert.deepEqual(await lb(), [{ ip: '127.0.0.1' }]));
});

test('proxy-send-timeout: a backend that reads no body gets 504 after the timeout', { timeout: 60_000 }, async (t) => {
  const env = await startEnv(t);
  // The backend accepts connections and never reads, so the ingress's writes stall.
  const stuck = await holdingServer(t, true);
  await service(env.source, 'stuck', [stuck]);
  await routed(env, { 'slow.example': 'stuck' }, { [`${A}proxy-send-timeout`]: '1', [`${A}proxy-body-size`]: '0' });
  const started = Date.now();
  const r = await chunked(env.httpPort, 'slow.example', Array.from({ length: 256 }, () => 'z'.repeat(256 * 1024)));
  assert.equal(r.status, 504);
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 30_000, `answered after ${took} ms`);
});

test('proxy-read-timeout: a backend that never answers gets 504 after the timeout, on the fast path and with a body', { timeout: 60_000 }, async (t) => {
  const env = await startEnv(t);
  // The backend reads requests and never answers.
  const mute = await holdingServer(t, false);
  await service(env.source, 'mute', [mute]);
  await routed(env, { 'mute.example': 'mute' }, { [`${A}proxy-read-timeout`]: '1' });
  await timesOut(env, 'mute.example');
  assert.ok(mute.held.size >= 2, 'both requests reached the backend');
});

// A connect that never completes needs SYNs dropped: an nft rule on the output hook for one loopback
// address (root with nft, as the nftables proxy tests).
const nftProblem = nftablesProblem();

test('proxy-connect-timeout: an endpoint whose SYNs are dropped times out, the next endpoint answers; alone it is 504', { skip: nftProblem ?? false, timeout: 60_000 }, async (t) => {
  const env = await startEnv(t);
  const good = await startBackend(t, 'good');
  const dark = randomLoopback();
  const table = `portico_test_ct_${process.pid}`;
  const nft = (script: string) => { const r = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8', timeout: 10_000 }); assert.equal(r.status, 0, r.stderr); };
  nft(`table ip ${table} {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ip daddr ${dark} tcp dport ${good.port} drop\n }\n}\n`);
  t.after(() => { spawnSync('nft', ['delete', 'table', 'ip', table], { timeout: 10_000 }); });
  await service(env.source, 'half', [{ ip: dark, port: good.port }, { ip: good.ip, port: good.port }]);
  await service(env.source, 'dark', [{ ip: dark, port: good.port }]);
  await routed(env, { 'half.example': 'half', 'dark.example': 'dark' }, { [`${A}proxy-connect-timeout`]: '1' });
  // Round robin sends one of the first two requests to the dark endpoint: that one waits out the
  // connect timeout and is answered by the next endpoint.
  const took: number[] = [];
  for (let i = 0; i < 2; i++) {
    const started = Date.now();
    const r = await get(env.httpPort, 'half.example', '/');
    took.push(Date.now() - started);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-backend'], 'good');
  }
  const slow = Math.max(...took);
  assert.ok(slow >= 950 && slow < 5_000, `the retried request took ${took.join(', ')} ms`);
  await timesOut(env, 'dark.example');
});

test('load-balance ewma sends most requests to the faster endpoint', { timeout: 60_000 }, async (t) => {
  const env = await startEnv(t);
  const fast = await startBackend(t, 'fast');
  // the slow endpoint answers after 60 ms, on the fast one's port (the Service has one target port)
  const slowIP = randomLoopback();
  const slow = createHttpServer((_req, res) => { setTimeout(() => { res.writeHead(200, { 'x-backend': 'slow' }); res.end('{}'); }, 60); });
  await new Promise<void>((r) => slow.listen(fast.port, slowIP, r));
  t.after(() => new Promise<void>((r) => { slow.closeAllConnections(); slow.close(() => r()); }));
  await service(env.source, 'mixed', [{ ip: slowIP, port: fast.port }, { ip: fast.ip, port: fast.port }]);
  await routed(env, { 'ewma.example': 'mixed' }, { [`${A}load-balance`]: 'ewma' });
  await routed(env, { 'rr.example': 'mixed' }, {});
  const count = async (host: string, n: number) => {
    const by: Record<string, number> = {};
    for (let i = 0; i < n; i++) { const b = String((await get(env.httpPort, host, '/')).headers['x-backend']); by[b] = (by[b] ?? 0) + 1; }
    return by;
  };
  const rr = await count('rr.example', 20);
  assert.ok((rr['slow'] ?? 0) >= 7 && (rr['fast'] ?? 0) >= 7, `round robin spreads: ${JSON.stringify(rr)}`);
  const ewma = await count('ewma.example', 40);
  assert.ok((ewma['fast'] ?? 0) >= 34, `ewma: ${JSON.stringify(ewma)}`);
});

type Env = Awaited<ReturnType<typeof startEnv>>;

// routed creates one Ingress per host (named after its first label) to the given Service, with the
// annotations, and waits until the table being served routes every host.
async function routed(env: Env, hosts: Record<string, string>, annotations: Record<string, string>): Promise<void> {
  for (const [host, svc] of Object.entries(hosts)) {
    await env.source.create(INF.ingresses, ingress(host.split('.')[0] ?? host, [{ host, paths: [{ service: svc }] }], { annotations }));
  }
  await eventually(async () => {
    const table = await tableNow(env);
    for (const host of Object.keys(hosts)) assert.ok(table.router.match(host, '/', { exec: null }), host);
  });
}

// timesOut: a GET (the fast path) and a POST with a body (node:http) to host both get 504 after the
// 1 s timeout the route's annotations set.
async function timesOut(env: Env, host: string): Promise<void> {
  for (const [method, body] of [['GET', undefined], ['POST', 'a body']] as const) {
    const started = Date.now();
    const r = await get(env.httpPort, host, '/', body ? { 'content-type': 'text/plain' } : {}, method, body);
    const took = Date.now() - started;
    assert.equal(r.status, 504, `${method}: ${r.status}`);
    assert.ok(took >= 950 && took < 5_000, `${method} answered after ${took} ms`);
  }
}

// holdingServer is a backend on a fresh loopback address that accepts connections and never answers:
// it reads nothing when paused (the ingress's writes stall), or reads and discards. Closed after the test.
async function holdingServer(t: { after(f: () => Promise<void>): void }, paused: boolean): Promise<{ ip: string; port: number; held: Set<Socket> }> {
  const ip = randomLoopback();
  const held = new Set<Socket>();
  const srv = createNetServer({ pauseOnConnect: paused }, (s) => { held.add(s); s.on('error', () => {}); if (!paused) s.resume(); });
  await new Promise<void>((r) => srv.listen(0, ip, r));
  t.after(() => new Promise<void>((r) => { for (const s of held) s.destroy(); srv.close(() => r()); }));
  return { ip, port: (srv.address() as AddressInfo).port, held };
}

// tableNow returns the table being served: it forces a sync (an unrelated ConfigMap write) and
// waits for that swap.
async function tableNow(env: Env): Promise<import('../src/ingress/index.ts').RouteTable> {
  const next = env.waitSwap();
  await upsert(env.source, INF.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `poke`, namespace: 'default' }, data: { t: String(Date.now()) } } as KubeObject);
  return next;
}

// chunked POSTs the chunks with Transfer-Encoding: chunked and returns the answer; a reset after the
// answer arrived (the ingress closes a connection whose body it refused) is not an error.
function chunked(port: number, host: string, chunks: string[]): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/up', headers: { host, 'transfer-encoding': 'chunked' }, agent: false, timeout: 30_000 }, (res) => {
      answered = true;
      let s = '';
      res.setEncoding('utf8').on('data', (d: string) => { s += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: s }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: s }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => { if (!answered) reject(err); });
    let i = 0;
    const pump = () => {
      while (i < chunks.length) {
        if (answered || req.destroyed) return;
        if (!req.write(chunks[i++] ?? '')) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
}

// rawRequest writes a request on a fresh connection and returns what comes back until the server closes.
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.setEncoding('utf8').on('data', (d: string) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
  });
}
