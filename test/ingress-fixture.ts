// Fixtures for the ingress tests: an in-process API (MemoryStore registry behind an EmbeddedSource),
// the ingress controller on 127.0.0.1 port 0, backends as small Node HTTP servers on random
// 127.x.y.z addresses (echoing what they received, and echoing WebSocket text frames), registered as
// selector-less Services with hand-written EndpointSlices.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRegistry } from '../src/apiserver/registry/index.ts';
import { byKind } from '../src/api/scheme.ts';
import type { ResourceInfo } from '../src/api/scheme.ts';
import type { KubeObject } from '../src/api/types.ts';
import { EmbeddedSource } from '../src/client/index.ts';
import { startIngressController } from '../src/ingress/index.ts';
import type { RouteTable } from '../src/ingress/index.ts';
import { isNotFound } from '../src/lib/errors.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { tempDir } from './harness.ts';

export const INF = {
  services: info('', 'v1', 'Service'), slices: info('discovery.k8s.io', 'v1', 'EndpointSlice'),
  ingresses: info('networking.k8s.io', 'v1', 'Ingress'), classes: info('networking.k8s.io', 'v1', 'IngressClass'),
  secrets: info('', 'v1', 'Secret'), configMaps: info('', 'v1', 'ConfigMap'), events: info('', 'v1', 'Event'),
  namespaces: info('', 'v1', 'Namespace'),
};

function info(g: string, v: string, k: string): ResourceInfo {
  const i = byKind(g, v, k);
  if (!i) throw new Error(k);
  return i;
}

export interface Env {
  source: EmbeddedSource;
  httpPort: number;
  httpsPort: number;
  generation(): number;
  waitSwap(): Promise<RouteTable>;
}

type After = { after: (fn: () => Promise<void> | void) => void };

export async function startEnv(t: After, o: { tcpServices?: string; udpServices?: string } = {}): Promise<Env> {
  const store = new MemoryStore();
  const registry = await createRegistry({ store, serviceCIDR: '127.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  for (const name of ['default', 'other']) {
    try { await registry.create(INF.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }); } catch { /* exists */ }
  }
  const source = new EmbeddedSource(registry);
  const ac = new AbortController();
  let gen = 0;
  let waiters: ((t: RouteTable) => void)[] = [];
  const logs: unknown[] = [];
  const logger = { info: (x: object) => { logs.push(x); }, warn: (x: object) => { logs.push(x); } };
  const running = await startIngressController({
    source, httpAddr: '127.0.0.1:0', httpsAddr: '127.0.0.1:0', ingressClass: 'portico', nodeIP: '127.0.0.1', signal: ac.signal, logger,
    dataDir: tempDir('portico-ingress-'), tcpServicesConfigMap: o.tcpServices, udpServicesConfigMap: o.udpServices,
    onSwap: (tb) => { gen = tb.generation; const w = waiters; waiters = []; for (const f of w) f(tb); },
  });
  t.after(async () => { ac.abort(); await running.done; await store.close(); });
  return {
    source, httpPort: running.httpPort, httpsPort: running.httpsPort, generation: () => gen,
    waitSwap: () => new Promise((r) => { waiters.push(r); }),
  };
}

// randomLoopback returns a random 127.x.y.z address (x in 10..250) so parallel files never collide.
export function randomLoopback(): string {
  const b = () => 1 + Math.floor(Math.random() * 250);
  return `127.${10 + Math.floor(Math.random() * 240)}.${b()}.${b()}`;
}

export interface Backend { name: string; ip: string; port: number; server: Server; requests: number }

// startBackend answers every request with JSON {name, method, url, headers} and echoes WebSocket text frames.
export async function startBackend(t: After, name: string, ip = randomLoopback(), port = 0): Promise<Backend> {
  const server = createServer();
  const b: Backend = { name, ip, port: 0, server, requests: 0 };
  server.on('request', (req: IncomingMessage, res) => {
    b.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(body);
    });
  });
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    acceptWebSocket(req, socket, name);
  });
  await new Promise<void>((r) => server.listen(port, ip, r));
  b.port = (server.address() as AddressInfo).port;
  t.after(() => new Promise<void>((r) => { for (const s of upgraded) s.destroy(); server.closeAllConnections(); server.close(() => r()); }));
  return b;
}

// acceptWebSocket answers the handshake and echoes each (masked, small) text frame prefixed by the backend name.
function acceptWebSocket(req: IncomingMessage, socket: Socket, name: string): void {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 6) {
      const op = (buf[0] ?? 0) & 0x0f;
      const len = (buf[1] ?? 0) & 0x7f;
      if (len > 125) { socket.destroy(); return; }
      if (buf.length < 6 + len) return;
      const mask = buf.subarray(2, 6);
      const payload = Buffer.from(buf.subarray(6, 6 + len).map((x, i) => x ^ (mask[i % 4] ?? 0)));
      buf = buf.subarray(6 + len);
      if (op === 8) { socket.end(Buffer.from([0x88, 0])); return; }
      if (op !== 1) continue;
      const out = Buffer.from(`${name}:${payload.toString()}`);
      socket.write(Buffer.concat([Buffer.from([0x81, out.length]), out]));
    }
  });
}

export async function upsert(source: EmbeddedSource, inf: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
  try {
    const cur = await source.get(inf, obj.metadata?.namespace, obj.metadata?.name ?? '');
    return await source.update(inf, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata?.resourceVersion } } as KubeObject);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return source.create(inf, obj);
  }
}

// service registers a selector-less Service with one port, and its EndpointSlice pointing at backends.
export async function service(source: EmbeddedSource, name: string, backends: readonly { ip: string; port: number }[], o: { namespace?: string; port?: number; portName?: string } = {}): Promise<void> {
  const namespace = o.namespace ?? 'default';
  const port = o.port ?? 80;
  await upsert(source, INF.services, {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
    spec: { ports: [{ ...(o.portName ? { name: o.portName } : {}), port, protocol: 'TCP' }] },
  } as KubeObject);
  await setEndpoints(source, name, backends, o);
}

export async function setEndpoints(source: EmbeddedSource, name: string, backends: readonly { ip: string; port: number }[], o: { namespace?: string; portName?: string } = {}): Promise<void> {
  const namespace = o.namespace ?? 'default';
  const ports = [...new Set(backends.map((b) => b.port))];
  await upsert(source, INF.slices, {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${name}-test`, namespace, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'test' } },
    addressType: 'IPv4',
    endpoints: backends.map((b) => ({ addresses: [b.ip], conditions: { ready: true } })),
    ports: [{ ...(o.portName ? { name: o.portName } : { name: '' }), port: ports[0] ?? 80, protocol: 'TCP' }],
  } as KubeObject);
}

export interface PathSpec { path?: string; pathType?: string; service: string; port?: number }

export function ingress(name: string, rules: { host?: string; paths: PathSpec[] }[], o: { namespace?: string; annotations?: Record<string, string>; tls?: { hosts: string[]; secretName: string }[]; className?: string; defaultBackend?: string } = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: { name, namespace: o.namespace ?? 'default', annotations: o.annotations ?? {} },
    spec: {
      ...(o.className ? { ingressClassName: o.className } : {}),
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.defaultBackend ? { defaultBackend: { service: { name: o.defaultBackend, port: { number: 80 } } } } : {}),
      rules: rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: r.paths.map((p) => ({ path: p.path ?? '/', pathType: p.pathType ?? 'Prefix', backend: { service: { name: p.service, port: { number: p.port ?? 80 } } } })) },
      })),
    },
  } as KubeObject;
}

export interface Reply { status: number; headers: IncomingHttpHeaders; body: string; json: { name?: string; url?: string; headers?: Record<string, string> } }

// get sends one HTTP/1.1 request to the ingress with a Host header.
export function get(port: number, host: string, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host, ...headers }, agent: false, timeout: 10_000 }, (res) => {
      let s = '';
      res.setEncoding('utf8').on('data', (d: string) => { s += d; });
      res.on('end', () => {
        let json = {};
        try { json = JSON.parse(s); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: s, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

// eventually retries an assertion until it holds (bounded).
export async function eventually(check: () => Promise<void> | void, ms = 5_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try { await check(); return; } catch (err) {
      if (Date.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// selfSigned makes a certificate and key for a host name with openssl.
export function selfSigned(cn: string): { cert: string; key: string } {
  const dir = tempDir('portico-cert-');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`], { stdio: 'ignore' });
  return { cert: readFileSync(`${dir}/c.pem`, 'utf8'), key: readFileSync(`${dir}/k.pem`, 'utf8') };
}

export function tlsSecret(name: string, pair: { cert: string; key: string }, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  } as KubeObject;
}

// peerCN connects with TLS to the ingress with an SNI name and returns the served certificate's CN.
export function peerCN(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      const cn = s.getPeerCertificate().subject?.CN;
      s.destroy();
      resolve(Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    });
    s.setTimeout(5_000, () => s.destroy(new Error('tls timeout')));
    s.on('error', reject);
  });
}

// httpsGet sends one HTTPS request (HTTP/1.1) with SNI and Host set to host.
export function httpsGet(port: number, host: string, path: string): Promise<Reply & { cn: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername: host, headers: { host }, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      const cn = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate?.().subject?.CN ?? '');
      let s = '';
      res.setEncoding('utf8').on('data', (d: string) => { s += d; });
      res.on('end', () => {
        let json = {};
        try { json = JSON.parse(s); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: s, json, cn });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
