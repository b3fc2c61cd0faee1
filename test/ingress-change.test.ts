// The change test (ingress-nginx's top complaint, kubernetes/ingress-nginx#3953, #7115): 200 requests/s
// and 20 open WebSockets run while Ingresses, Secrets and endpoints change 50 times; no request may fail
// and every WebSocket must still be open and echoing at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { INF, eventually, get, ingress, randomLoopback, selfSigned, service, setEndpoints, startBackend, startEnv, tlsSecret, upsert } from './ingress-fixture.ts';

function openSocket(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('ws open failed'));
  });
}

function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no echo')), 5000);
    ws.onmessage = (m) => { clearTimeout(t); resolve(String(m.data)); };
    ws.send(text);
  });
}

test('200 req/s and 20 WebSockets survive 50 configuration changes', { timeout: 90_000 }, async (t) => {
  const env = await startEnv(t);
  const b1 = await startBackend(t, 'b1');
  const b2 = await startBackend(t, 'b2', randomLoopback(), b1.port);
  const b3 = await startBackend(t, 'b3', randomLoopback(), b1.port);
  await service(env.source, 'web', [b1, b2, b3]);
  await env.source.create(INF.secrets, tlsSecret('cert', selfSigned('tls.example')));
  // Certificates are made before the load starts: openssl runs synchronously.
  const certs = Array.from({ length: 17 }, (_, i) => selfSigned(`tls${i}.example`));
  await env.source.create(INF.ingresses, ingress('main', [{ paths: [{ service: 'web' }] }]));
  await eventually(async () => assert.equal((await get(env.httpPort, 'x', '/')).status, 200));
  const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(env.httpPort)));
  t.after(() => { for (const ws of sockets) ws.close(); });

  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  t.after(() => agent.destroy());
  let sent = 0;
  let ok = 0;
  const failures: string[] = [];
  const one = () => new Promise<void>((resolve) => {
    sent++;
    const req = request({ host: '127.0.0.1', port: env.httpPort, path: `/r${sent}`, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) ok++; else failures.push(`status ${res.statusCode}`); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (e) => { failures.push(String(e)); resolve(); });
    req.end();
  });
  const inflight = new Set<Promise<void>>();
  // Paced by elapsed time, so a slow tick catches up: 200 requests per second on average.
  const loadStart = Date.now();
  const load = setInterval(() => {
    while (sent < ((Date.now() - loadStart) * 200) / 1000) { const p = one(); inflight.add(p); void p.then(() => inflight.delete(p)); }
  }, 5);

  const sets = [[b1, b2, b3], [b2, b3], [b1, b3], [b1, b2], [b3, b1, b2]];
  for (let i = 0; i < 50; i++) {
    switch (i % 3) {
      case 0: await setEndpoints(env.source, 'web', sets[i % sets.length] ?? [b1]); break;
      case 1: await upsert(env.source, INF.ingresses, ingress(`extra-${i % 7}`, [{ host: `extra${i}.example`, paths: [{ service: 'web' }] }], { tls: [{ hosts: [`extra${i}.example`], secretName: 'cert' }] })); break;
      default: await upsert(env.source, INF.secrets, tlsSecret('cert', certs[Math.floor(i / 3)] ?? selfSigned('late.example')));
    }
    await new Promise((r) => setTimeout(r, 60));
  }
  clearInterval(load);
  await Promise.all(inflight);
  assert.deepEqual(failures.slice(0, 5), []);
  assert.equal(ok, sent);
  const seconds = (Date.now() - loadStart) / 1000;
  assert.ok(sent >= 190 * seconds - 50, `sent ${sent} in ${seconds} s`);
  const replies = await Promise.all(sockets.map((ws, i) => echo(ws, `still-${i}`)));
  replies.forEach((r, i) => assert.match(r, new RegExp(`^b[123]:still-${i}$`)));
  assert.ok(sockets.every((ws) => ws.readyState === WebSocket.OPEN));
  assert.ok(env.generation() > 10, `tables swapped ${env.generation()} times`);
});
