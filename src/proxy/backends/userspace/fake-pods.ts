// Test helpers for the userspace backend: fake pods (small servers on 127.244.0.x that say who they are),
// Service and EndpointSlice builders, a running ServiceProxy over a FakeProxySource, and socket clients.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { V1EndpointSlice, V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { FakeProxySource } from '../../fake-source.ts';
import type { EventRecorder } from '../../backend.ts';
import type { ServiceRef } from '../../model/service-port-name.ts';
import { ServiceProxy } from '../../service-proxy.ts';
import { UserspaceBackend } from './userspace-backend.ts';
import type { UserspaceBackendOptions } from './userspace-backend.ts';

// FakePod is a TCP server that writes "<name>\n" on connect, then echoes; `received` keeps raw bytes.
export interface FakePod {
  name: string; ip: string; port: number; received: Buffer[]; sockets: Set<Socket>; server: Server;
  close(): Promise<void>;
}

export async function startPod(name: string, ip: string, port = 0, greet = true): Promise<FakePod> {
  const sockets = new Set<Socket>();
  const received: Buffer[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (greet) s.write(`${name}\n`);
    s.on('data', (d) => { received.push(d); s.write(d); });
    s.on('end', () => s.end());
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, ip, () => resolve()); });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    name, ip, port: bound, received, sockets, server,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.resetAndDestroy(); server.close(() => resolve()); }),
  };
}

// FakeUdpPod echoes every datagram as "<name>:<datagram>".
export async function startUdpPod(name: string, ip: string, port = 0): Promise<{ name: string; ip: string; port: number; socket: UdpSocket; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  socket.on('message', (m, r) => socket.send(Buffer.concat([Buffer.from(`${name}:`), m]), r.port, r.address));
  await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(port, ip, () => resolve()); });
  return { name, ip, port: socket.address().port, socket, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

// freePort returns a TCP port that was free on ip a moment ago.
export async function freePort(ip: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, ip, () => resolve()));
  const addr = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

// whoami connects to ip:port (from localAddress when given) and returns the pod's greeting line.
export function whoami(ip: string, port: number, localAddress?: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ip, port, ...(localAddress ? { localAddress } : {}) });
    let buf = '';
    const t = setTimeout(() => { s.destroy(); reject(new Error('whoami timeout')); }, timeoutMs);
    s.on('data', (d) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) { clearTimeout(t); s.end(); s.destroy(); resolve(buf.slice(0, i)); }
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
    s.on('close', () => { clearTimeout(t); reject(new Error('closed before greeting')); });
  });
}

export interface SvcPort { name?: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; nodePort?: number; targetPort?: number }

export function service(name: string, clusterIP: string, ports: SvcPort[], spec: Partial<V1ServiceSpec> = {}, annotations?: Record<string, string>): V1Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { namespace: 'default', name, ...(annotations ? { annotations } : {}) },
    spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: ports.map((p) => ({ protocol: 'TCP', ...p })), ...spec },
  };
}

export interface SliceEndpoint { ip: string; nodeName?: string; ready?: boolean; serving?: boolean; terminating?: boolean }

export function slice(name: string, svc: string, endpoints: SliceEndpoint[], ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[]): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip], nodeName: e.nodeName ?? 'node-a',
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
    })),
    ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
  };
}

// RecordingEvents records every event.
export class RecordingEvents implements EventRecorder {
  readonly events: { service: ServiceRef; type: string; reason: string; message: string }[] = [];
  recordEvent(service: ServiceRef, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ service, type, reason, message });
  }
}

export interface Harness {
  source: FakeProxySource; backend: UserspaceBackend; proxy: ServiceProxy; events: RecordingEvents;
  stop(): Promise<void>;
}

// startProxy runs a ServiceProxy with a UserspaceBackend on node "node-a" (address 127.0.0.1).
export function startProxy(opts: UserspaceBackendOptions = {}): Harness {
  const source = new FakeProxySource();
  const events = new RecordingEvents();
  const backend = new UserspaceBackend({ events, drainMs: 200, ...opts });
  const proxy = new ServiceProxy({ source, backend, events, node: { name: 'node-a', addresses: ['127.0.0.1'] }, retryMs: 50, noEndpointsGraceMs: 100 });
  const ac = new AbortController();
  const done = proxy.run(ac.signal);
  source.markSynced();
  return { source, backend, proxy, events, stop: async () => { ac.abort(); await done; } };
}

// waitFor polls cond every 5 ms until it is true or timeoutMs passes.
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// listening reports whether some socket accepts connections on ip:port.
export function listening(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}
