// Service proxy acceptance (issue 3), over real loopback sockets: Local traffic policy drops (the client
// times out, it is not refused), metrics per Service and endpoint through the backend's registry, events,
// UDP flows moved at once, and no socket left in this process after every Service is deleted (checked in
// /proc/self/fd against /proc/net/{tcp,udp}).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { listenerKey } from '../src/proxy/index.ts';
import { freePort, service, slice, startPod, startProxy, startUdpPod, waitFor, whoami } from '../src/proxy/backends/userspace/fake-pods.ts';
import type { FakePod, Harness } from '../src/proxy/backends/userspace/fake-pods.ts';

const dnsPacket = createRequire(import.meta.url)('dns-packet') as {
  decode(b: Buffer): { id: number; questions: { name: string; type: string }[] };
  encode(p: { type: 'response'; id: number; flags: number; questions: { name: string; type: string }[]; answers: { type: 'A'; name: string; ttl: number; data: string }[] }): Buffer;
  AUTHORITATIVE_ANSWER: number;
};

// ownSockets returns this process's TCP/UDP sockets on 127.x addresses by state ("0A" = LISTEN, "07" =
// UDP bound), found by matching the inodes of /proc/self/fd with /proc/net/{tcp,udp}.
function ownSockets(): { listen: number; udp: number; other: number } {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try { const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`)); if (m?.[1]) inodes.add(m[1]); } catch { /* closed meanwhile */ }
  }
  const out = { listen: 0, udp: 0, other: 0 };
  for (const file of ['tcp', 'udp']) {
    for (const line of readFileSync(`/proc/net/${file}`, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (!f[9] || !inodes.has(f[9])) continue;
      if (file === 'udp') out.udp++; else if (f[3] === '0A') out.listen++; else out.other++;
    }
  }
  return out;
}

// outcome connects to ip:port, sends a line, and reports what the client saw within ms.
function outcome(ip: string, port: number, ms: number): Promise<{ connected: boolean; data: string; ended: 'reset' | 'closed' | 'open' }> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    const r = { connected: false, data: '', ended: 'open' as 'reset' | 'closed' | 'open' };
    s.on('connect', () => { r.connected = true; s.write('ping\n'); });
    s.on('data', (d) => { r.data += d.toString(); });
    s.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'ECONNRESET' || e.code === 'ECONNREFUSED') r.ended = 'reset'; });
    s.on('close', () => { if (r.ended === 'open') r.ended = 'closed'; });
    setTimeout(() => { s.destroy(); resolve(r); }, ms);
  });
}

describe('service proxy acceptance', { timeout: 60_000 }, () => {
  let pods: FakePod[] = [];
  let h: Harness;
  let podPort: number;
  let baseline: { listen: number; udp: number; other: number };

  before(async () => {
    baseline = ownSockets();
    const first = await startPod('pod-0', '127.244.7.1');
    podPort = first.port;
    pods = [first, await startPod('pod-1', '127.244.7.2', podPort), await startPod('pod-2', '127.244.7.3', podPort)];
    h = startProxy({ holdMs: 400 });
  });
  after(async () => {
    await h.stop();
    await Promise.all(pods.map((p) => p.close()));
  });

  test('Local policy without a local endpoint drops: no reset, no answer; a local endpoint then serves it', async () => {
    const ip = '127.100.7.1';
    const port = await freePort(ip);
    h.source.services.set(service('local', ip, [{ port }], { internalTrafficPolicy: 'Local' }));
    h.source.slices.set(slice('local-1', 'local', [{ ip: pods[0]?.ip ?? '', nodeName: 'node-b' }], [{ port: podPort }]));
    await waitFor(() => h.proxy.lastPlan()?.listeners.get(listenerKey('TCP', ip, port))?.whenEmpty === 'drop' && h.backend.isListening(listenerKey('TCP', ip, port)));
    // held, not refused: nothing comes back while it is held, then (holdMs 400) it is reset
    const early = await outcome(ip, port, 250);
    assert.deepEqual(early, { connected: true, data: '', ended: 'open' });
    const late = await outcome(ip, port, 1500);
    assert.equal(late.data, '');
    assert.equal(late.ended, 'reset');
    // like a retransmitted SYN: a connection held while a local endpoint appears is served by it
    const held = connect({ host: ip, port });
    held.on('error', () => {});
    let got = '';
    held.on('data', (d) => { got += d.toString(); });
    await new Promise((r) => held.once('connect', r));
    h.source.slices.set(slice('local-1', 'local', [{ ip: pods[0]?.ip ?? '', nodeName: 'node-b' }, { ip: pods[1]?.ip ?? '', nodeName: 'node-a' }], [{ port: podPort }]));
    await waitFor(() => got.startsWith('pod-1\n'));
    held.destroy();
    // no endpoint anywhere: Kubernetes rejects, so do we (at once)
    h.source.slices.delete('default', 'local-1');
    await waitFor(() => { const l = h.proxy.lastPlan()?.listeners.get(listenerKey('TCP', ip, port)); return l?.endpoints.length === 0 && l.whenEmpty === 'reject'; });
    const rejected = await outcome(ip, port, 300);
    assert.equal(rejected.ended, 'reset');
    // reported once it has lasted the grace (100 ms here, 5 s by default)
    await waitFor(() => h.events.events.some((e) => e.reason === 'NoEndpoints' && e.service.name === 'local'));
    h.source.services.delete('default', 'local');
  });

  test('metrics per Service and endpoint are exported through backend.registry', async () => {
    const ip = '127.100.7.2';
    const port = await freePort(ip);
    const dead = await freePort('127.244.7.9'); // nothing listens there: every try is a connect error
    h.source.services.set(service('met', ip, [{ name: 'web', port }]));
    h.source.slices.set(slice('met-1', 'met', [{ ip: pods[0]?.ip ?? '' }], [{ name: 'web', port: podPort }]));
    h.source.slices.set(slice('met-2', 'met', [{ ip: '127.244.7.9' }], [{ name: 'web', port: dead }]));
    await waitFor(() => h.proxy.lastPlan()?.listeners.get(listenerKey('TCP', ip, port))?.endpoints.length === 2 && h.backend.isListening(listenerKey('TCP', ip, port)));
    for (let i = 0; i < 6; i++) assert.equal(await whoami(ip, port), 'pod-0', 'a refused endpoint is retried on the next');
    const open: Socket = connect({ host: ip, port });
    await new Promise((r) => open.once('data', r));
    const text = await h.backend.registry.metrics();
    const line = (name: string, ep: string, extra = '') => {
      const re = new RegExp(`^${name}\\{namespace="default",service="met",port="web",protocol="TCP",endpoint="${ep}"${extra}\\} (\\d+)$`, 'm');
      return Number(re.exec(text)?.[1] ?? NaN);
    };
    const live = `${pods[0]?.ip}:${podPort}`, gone = `127.244.7.9:${dead}`;
    assert.equal(line('portico_proxy_connections_total', live), 7);
    assert.equal(line('portico_proxy_active_flows', live), 1);
    assert.ok(line('portico_proxy_bytes_total', live, ',direction="from_endpoint"') >= 6 * 'pod-0\n'.length);
    assert.ok(line('portico_proxy_connect_errors_total', gone) >= 3, text);
    assert.equal(line('portico_proxy_endpoint_selections_total', live) + line('portico_proxy_endpoint_selections_total', gone), 7 + line('portico_proxy_connect_errors_total', gone));
    open.destroy();
    h.source.services.delete('default', 'met');
  });

  test('a port in use is a PortInUse event on the Service', async () => {
    const ip = '127.100.7.3';
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, ip, () => r()));
    const addr = squatter.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    h.source.services.set(service('busy', ip, [{ port }]));
    h.source.slices.set(slice('busy-1', 'busy', [{ ip: pods[0]?.ip ?? '' }], [{ port: podPort }]));
    await waitFor(() => h.events.events.some((e) => e.reason === 'PortInUse' && e.service.name === 'busy' && e.type === 'Warning'));
    await new Promise<void>((r) => squatter.close(() => r()));
    h.source.services.delete('default', 'busy');
  });

  test('UDP: when its endpoint goes away, a flow moves at once (no stale blackhole)', async () => {
    const udp = await Promise.all([1, 2].map((i) => startUdpPod(`u${i}`, `127.244.7.${20 + i}`)));
    const ip = '127.100.7.4';
    const port = await freePort(ip);
    h.source.services.set(service('u', ip, [{ port, protocol: 'UDP' }]));
    const set = (ps: typeof udp) => h.source.slices.set(slice('u-1', 'u', ps.map((p) => ({ ip: p.ip })), [{ port: udp[0]?.port ?? 0, protocol: 'UDP' }]));
    // both pods on the same port number, so one slice port serves them
    const second = await startUdpPod('u2', '127.244.7.22', udp[0]?.port ?? 0);
    await udp[1]?.close();
    udp[1] = second;
    set(udp);
    await waitFor(() => h.backend.isListening(listenerKey('UDP', ip, port)));
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.41', () => r()));
    const ask = (m: string) => new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('udp timeout')), 1000);
      client.once('message', (d) => { clearTimeout(t); resolve(d.toString()); });
      client.send(m, port, ip);
    });
    try {
      const first = (await ask('a')).split(':')[0];
      assert.equal((await ask('b')).split(':')[0], first, 'one flow, one endpoint');
      set(udp.filter((p) => p.name !== first));
      await waitFor(() => h.proxy.lastPlan()?.listeners.get(listenerKey('UDP', ip, port))?.endpoints.length === 1);
      const next = await ask('c');
      assert.notEqual(next.split(':')[0], first);
      assert.equal(next.split(':')[1], 'c');
    } finally {
      client.close();
      h.source.services.delete('default', 'u');
      await Promise.all(udp.map((p) => p.close()));
    }
  });

  test('a DNS-over-UDP service works through it (dig)', async () => {
    const dns = createSocket('udp4');
    dns.on('message', (m, r) => {
      const q = dnsPacket.decode(m);
      const name = q.questions[0]?.name ?? '';
      dns.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers: [{ type: 'A', name, ttl: 30, data: '10.96.0.42' }] }), r.port, r.address);
    });
    await new Promise<void>((r) => dns.bind(0, '127.244.7.30', () => r()));
    const ip = '127.100.7.6';
    const port = await freePort(ip);
    h.source.services.set(service('kube-dns', ip, [{ name: 'dns', port, protocol: 'UDP' }]));
    h.source.slices.set(slice('kube-dns-1', 'kube-dns', [{ ip: '127.244.7.30' }], [{ name: 'dns', port: dns.address().port, protocol: 'UDP' }]));
    try {
      await waitFor(() => h.backend.isListening(listenerKey('UDP', ip, port)));
      const out = await new Promise<string>((resolve, reject) => execFile('dig', ['+short', '+time=2', '+tries=2', '-p', String(port), `@${ip}`, 'web.default.svc.cluster.local', 'A'], (err, stdout) => err ? reject(err) : resolve(stdout)));
      assert.equal(out.trim(), '10.96.0.42');
    } finally {
      h.source.services.delete('default', 'kube-dns');
      dns.close();
    }
  });

  test('idle timeout: a connection with no traffic either way is closed', async () => {
    const x = startProxy({ idleTimeoutMs: 300 });
    const ip = '127.100.7.7';
    const port = await freePort(ip);
    try {
      x.source.services.set(service('idle', ip, [{ port }]));
      x.source.slices.set(slice('idle-1', 'idle', [{ ip: pods[0]?.ip ?? '' }], [{ port: podPort }]));
      await waitFor(() => x.backend.isListening(listenerKey('TCP', ip, port)));
      const s = connect({ host: ip, port });
      s.on('error', () => {});
      await new Promise((r) => s.once('data', r));
      // traffic keeps it open: a byte every 100 ms for 600 ms (twice the timeout)
      let last = 0;
      for (let i = 0; i < 6; i++) { s.write('x'); last = Date.now(); await new Promise((r) => setTimeout(r, 100)); }
      assert.equal(s.destroyed, false, 'busy connection kept');
      await new Promise((r) => s.once('close', r));
      const ms = Date.now() - last;
      assert.ok(ms >= 280 && ms < 5000, `closed ${ms} ms after the last byte (timeout 300 ms)`);
    } finally {
      await x.stop();
    }
  });

  test('reusePort: two backends (worker processes in production) serve one Service address', async () => {
    const ip = '127.100.7.5';
    const port = await freePort(ip);
    const a = startProxy({ reusePort: true }), b = startProxy({ reusePort: true });
    try {
      for (const x of [a, b]) {
        x.source.services.set(service('rp', ip, [{ port }]));
        x.source.slices.set(slice('rp-1', 'rp', [{ ip: pods[2]?.ip ?? '' }], [{ port: podPort }]));
      }
      await waitFor(() => a.backend.isListening(listenerKey('TCP', ip, port)) && b.backend.isListening(listenerKey('TCP', ip, port)));
      for (let i = 0; i < 10; i++) assert.equal(await whoami(ip, port), 'pod-2');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('nothing leaks: after deleting all Services the process holds no proxy socket', async () => {
    for (const key of [...h.source.services.items.keys()]) {
      const [ns = '', name = ''] = key.split('/');
      h.source.services.delete(ns, name);
    }
    await waitFor(() => h.backend.listenerCount() === 0);
    await Promise.all(pods.map((p) => p.close()));
    pods = [];
    await waitFor(() => { const now = ownSockets(); return now.listen === baseline.listen && now.udp === baseline.udp; }, 3000);
    const now = ownSockets();
    assert.deepEqual({ listen: now.listen, udp: now.udp }, { listen: baseline.listen, udp: baseline.udp });
  });
});
