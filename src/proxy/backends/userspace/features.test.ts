// Userspace backend features over real loopback sockets: UDP, NodePort, PROXY protocol, multi-port,
// traffic policy Local, health checks, events, and no leaked listener.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort, listening, service, slice, startPod, startProxy, startUdpPod, waitFor, whoami } from './fake-pods.ts';
import type { FakePod, Harness } from './fake-pods.ts';
import { listenerKey } from '../../plan/types.ts';

const VIP = '127.100.4.1';

// udpAsk sends msg from sock to ip:port and returns the reply and who sent it.
function udpAsk(sock: ReturnType<typeof createSocket>, ip: string, port: number, msg: string): Promise<{ text: string; from: string }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { sock.off('message', on); reject(new Error('udp timeout')); }, 1000);
    const on = (m: Buffer, r: { address: string; port: number }) => { clearTimeout(t); sock.off('message', on); resolve({ text: m.toString(), from: `${r.address}:${r.port}` }); };
    sock.on('message', on);
    sock.send(msg, port, ip);
  });
}

// listenersOn returns this process's TCP sockets in LISTEN state on ipPrefix.*, from /proc/net/tcp matched
// with the socket inodes in /proc/self/fd (Linux; other processes on the machine may listen there too).
function listenersOn(ipPrefix: string): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try { const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`)); if (m?.[1]) inodes.add(m[1]); } catch { /* closed meanwhile */ }
  }
  const hex = (ip: string) => ip.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
  const lines = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
  const prefix = hex(`${ipPrefix}.0`).slice(2);
  return lines.filter((l) => { const f = l.trim().split(/\s+/); return f[3] === '0A' && (f[1] ?? '').slice(2, 8) === prefix && inodes.has(f[9] ?? ''); }).length;
}

describe('userspace proxy features', { timeout: 30_000 }, () => {
  let pods: FakePod[] = [];
  let h: Harness;
  let podPort: number;

  before(async () => {
    const first = await startPod('pod-0', '127.244.4.1');
    podPort = first.port;
    pods = [first, await startPod('pod-1', '127.244.4.2', podPort), await startPod('pod-2', '127.244.4.3', podPort)];
    h = startProxy();
  });
  after(async () => {
    await h.stop();
    await Promise.all(pods.map((p) => p.close()));
  });

  test('UDP echo through the Service, with affinity, replies from the service address, flows move', async () => {
    const udpPods = await Promise.all([1, 2, 3].map((i) => startUdpPod(`udp-${i}`, `127.244.4.${10 + i}`)));
    const port = await freePort(VIP);
    h.source.services.set(service('dns', VIP, [{ name: 'dns', port, protocol: 'UDP' }], { sessionAffinity: 'ClientIP' }));
    const setSlices = (ps: typeof udpPods) => {
      for (const p of udpPods) h.source.slices.delete('default', `dns-${p.name}`);
      for (const p of ps) h.source.slices.set(slice(`dns-${p.name}`, 'dns', [{ ip: p.ip }], [{ name: 'dns', port: p.port, protocol: 'UDP' }]));
    };
    setSlices(udpPods);
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.21', () => r()));
    try {
      await waitFor(() => h.backend.isListening(listenerKey('UDP', VIP, port)));
      const first = await udpAsk(client, VIP, port, 'q0');
      assert.equal(first.from, `${VIP}:${port}`);
      const pinned = first.text.split(':')[0];
      for (let i = 1; i < 5; i++) assert.equal((await udpAsk(client, VIP, port, `q${i}`)).text, `${pinned}:q${i}`);
      setSlices(udpPods.filter((p) => p.name !== pinned));
      await waitFor(() => h.proxy.lastPlan()?.listeners.get(listenerKey('UDP', VIP, port))?.endpoints.length === 2);
      const moved = await udpAsk(client, VIP, port, 'again');
      assert.notEqual(moved.text.split(':')[0], pinned);
    } finally {
      client.close();
      h.source.services.delete('default', 'dns');
      await Promise.all(udpPods.map((p) => p.close()));
    }
  });

  test('NodePort is reachable on the node address', async () => {
    const nodePort = await freePort('127.0.0.1');
    h.source.services.set(service('np', '127.100.4.2', [{ port: 80, nodePort }], { type: 'NodePort' }));
    h.source.slices.set(slice('np-1', 'np', [{ ip: pods[0]?.ip ?? '' }], [{ port: podPort }]));
    await waitFor(() => listening('127.0.0.1', nodePort));
    assert.equal(await whoami('127.0.0.1', nodePort), 'pod-0');
    assert.equal(await whoami('127.100.4.2', 80), 'pod-0');
    h.source.services.delete('default', 'np');
  });

  const ppCases = [
    { desc: 'PROXY v1 carries the client address', version: 'v1', client: '127.0.0.31' },
    { desc: 'PROXY v2 carries the client address', version: 'v2', client: '127.0.0.32' },
  ];
  for (const c of ppCases) {
    test(c.desc, async () => {
      const pod = await startPod(`pp-${c.version}`, '127.244.4.40', 0, false);
      const port = await freePort(VIP);
      h.source.services.set(service(`pp-${c.version}`, VIP, [{ port }], {}, { 'portico.dev/proxy-protocol': c.version }));
      h.source.slices.set(slice(`pp-${c.version}-1`, `pp-${c.version}`, [{ ip: pod.ip }], [{ port: pod.port }]));
      await waitFor(() => h.backend.isListening(listenerKey('TCP', VIP, port)));
      const net = await import('node:net');
      const s = net.connect({ host: VIP, port, localAddress: c.client });
      await new Promise((r) => s.once('connect', r));
      s.write('hello');
      await waitFor(() => Buffer.concat(pod.received).includes('hello'));
      const got = Buffer.concat(pod.received);
      if (c.version === 'v1') {
        assert.equal(got.toString(), `PROXY TCP4 ${c.client} ${VIP} ${s.localPort} ${port}\r\nhello`);
      } else {
        assert.equal(got.subarray(12, 16).toString('hex'), '2111000c');
        assert.equal([...got.subarray(16, 20)].join('.'), c.client);
        assert.equal([...got.subarray(20, 24)].join('.'), VIP);
        assert.equal(got.readUInt16BE(24), s.localPort);
        assert.equal(got.readUInt16BE(26), port);
        assert.equal(got.subarray(28).toString(), 'hello');
      }
      s.destroy();
      h.source.services.delete('default', `pp-${c.version}`);
      await pod.close();
    });
  }

  test('a multi-port Service serves both ports', async () => {
    const other = await startPod('pod-0-metrics', '127.244.4.1');
    const [p1, p2] = [await freePort('127.100.4.3'), await freePort('127.100.4.3')];
    h.source.services.set(service('multi', '127.100.4.3', [{ name: 'http', port: p1 }, { name: 'metrics', port: p2 }]));
    h.source.slices.set(slice('multi-1', 'multi', [{ ip: '127.244.4.1' }], [{ name: 'http', port: podPort }, { name: 'metrics', port: other.port }]));
    await waitFor(async () => (await listening('127.100.4.3', p1)) && listening('127.100.4.3', p2));
    assert.equal(await whoami('127.100.4.3', p1), 'pod-0');
    assert.equal(await whoami('127.100.4.3', p2), 'pod-0-metrics');
    h.source.services.delete('default', 'multi');
    await other.close();
  });

  test('internalTrafficPolicy Local: only local endpoints; none local drops', async () => {
    const ip = '127.100.4.4';
    const port = await freePort(ip);
    h.source.services.set(service('local', ip, [{ port }], { internalTrafficPolicy: 'Local' }));
    h.source.slices.set(slice('local-1', 'local', [{ ip: '127.244.4.1', nodeName: 'node-b' }, { ip: '127.244.4.2', nodeName: 'node-b' }], [{ port: podPort }]));
    await waitFor(() => h.backend.isListening(listenerKey('TCP', ip, port)));
    await assert.rejects(whoami(ip, port, undefined, 300), /whoami timeout/, 'held (dropped), not refused');
    h.source.slices.set(slice('local-1', 'local', [{ ip: '127.244.4.1', nodeName: 'node-b' }, { ip: '127.244.4.2', nodeName: 'node-a' }], [{ port: podPort }]));
    await waitFor(() => whoami(ip, port).then(() => true, () => false));
    for (let i = 0; i < 10; i++) assert.equal(await whoami(ip, port), 'pod-1');
    h.source.services.delete('default', 'local');
  });

  test('healthCheckNodePort answers like kube-proxy', async () => {
    const hc = await freePort('127.0.0.1');
    h.source.services.set(service('lb', '127.100.4.5', [{ port: 80 }], { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hc }));
    h.source.slices.set(slice('lb-1', 'lb', [{ ip: '127.244.4.1', nodeName: 'node-b' }], [{ port: podPort }]));
    await waitFor(() => listening('127.0.0.1', hc));
    let res = await fetch(`http://127.0.0.1:${hc}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { service: { namespace: 'default', name: 'lb' }, localEndpoints: 0, serviceProxyHealthy: true });
    h.source.slices.set(slice('lb-1', 'lb', [{ ip: '127.244.4.1', nodeName: 'node-a' }], [{ port: podPort }]));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${hc}/`)).status === 200);
    res = await fetch(`http://127.0.0.1:${hc}/`);
    assert.equal((await res.json() as { localEndpoints: number }).localEndpoints, 1);
    h.source.services.delete('default', 'lb');
  });

  test('a port in use becomes a PortInUse event, and the listener opens once the port is free', async () => {
    const ip = '127.100.4.6';
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, ip, () => r()));
    const addr = squatter.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    h.source.services.set(service('busy', ip, [{ port }]));
    h.source.slices.set(slice('busy-1', 'busy', [{ ip: '127.244.4.1' }], [{ port: podPort }]));
    await waitFor(() => h.events.events.some((e) => e.reason === 'PortInUse' && e.service.name === 'busy'));
    await new Promise<void>((r) => squatter.close(() => r()));
    await waitFor(() => whoami(ip, port).then((w) => w === 'pod-0', () => false));
    h.source.services.delete('default', 'busy');
  });

  test('after deleting all Services no listener is left', async () => {
    for (const key of [...h.source.services.items.keys()]) {
      const [ns = '', name = ''] = key.split('/');
      h.source.services.delete(ns, name);
    }
    await waitFor(() => h.backend.listenerCount() === 0);
    await waitFor(() => listenersOn('127.100.4') === 0);
  });
});
