// Real-kernel tests of the nftables backend (skipped unless root with nft): a ServiceProxy over a
// FakeProxySource renders into a table of its own (deleted in after(), even on failure), and fake pods on
// 127.246.x addresses answer behind ClusterIPs in 127.200.0.0/16. Locally generated loopback traffic is
// DNATed by the nat output hook, so every client here is a plain socket of this process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FakeProxySource } from '../../fake-source.ts';
import { ServiceProxy } from '../../service-proxy.ts';
import { freePort, RecordingEvents, service, slice, startUdpPod, waitFor } from '../userspace/fake-pods.ts';
import { ExecNftRunner } from './nft-runner.ts';
import { NftablesBackend } from './nftables-backend.ts';
import { cases, plan, two } from './golden-cases.ts';
import { nftablesProblem } from './preflight.ts';

const problem = nftablesProblem();
const hasConntrack = spawnSync('conntrack', ['--version']).status === 0;
const TABLE = `portico_test_${process.pid}`;

// startPod answers every connection with "<name> <client address>\n" and closes.
async function startPod(name: string, ip: string, port = 0): Promise<{ name: string; ip: string; port: number; server: Server }> {
  const server = createServer((s) => { s.on('error', () => {}); s.end(`${name} ${s.remoteAddress}\n`); });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, ip, () => resolve()); });
  const a = server.address();
  return { name, ip, port: typeof a === 'object' && a ? a.port : port, server };
}

// ask connects (from localAddress when given) and returns the first line, or the error code.
function ask(ip: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port, ...(localAddress ? { localAddress } : {}) });
    let buf = '';
    const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, 2000);
    s.on('data', (d) => { buf += d.toString(); });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(t); resolve(e.code ?? 'error'); });
    s.on('close', () => { clearTimeout(t); resolve(buf.trim()); });
  });
}

describe('nftables backend in the kernel', { skip: problem ?? false, timeout: 60_000 }, () => {
  const source = new FakeProxySource();
  const events = new RecordingEvents();
  const backend = new NftablesBackend({ table: TABLE, events, logger: { info() {}, warn: (o) => console.error(o) } });
  const proxy = new ServiceProxy({ source, backend, events, node: { name: 'node-a', addresses: ['127.0.0.1'] }, retryMs: 50, noEndpointsGraceMs: 100 });
  const ac = new AbortController();
  let done: Promise<void> = Promise.resolve();
  let pods: Awaited<ReturnType<typeof startPod>>[] = [];
  // applied waits until the kernel has the Service's element in the map.
  const applied = (map: 'service-ips' | 'service-nodeports' | 'no-endpoint-services', key: string) =>
    waitFor(() => backend.appliedRuleset()?.elements.get(map)?.has(key) ?? false);

  before(async () => {
    const first = await startPod('pod-0', '127.246.1.1');
    pods = [first, await startPod('pod-1', '127.246.1.2', first.port), await startPod('pod-2', '127.246.1.3', first.port)];
    done = proxy.run(ac.signal);
    source.markSynced();
  });
  after(async () => {
    ac.abort();
    await done.catch(() => {});
    await new ExecNftRunner().run(`add table ip ${TABLE}\ndelete table ip ${TABLE}\n`).catch(() => {});
    for (const p of pods) p.server.close();
  });

  const eps = () => pods.map((p) => ({ ip: p.ip }));

  test('ClusterIP: round robin over 3 pods, 300 connections within ±5 each; the pod sees the client address', async () => {
    source.services.set(service('rr', '127.200.1.1', [{ port: 80 }]));
    source.slices.set(slice('rr-1', 'rr', eps(), [{ port: pods[0]?.port ?? 0 }]));
    await applied('service-ips', '127.200.1.1 . tcp . 80');
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const [name, from] = (await ask('127.200.1.1', 80, '127.0.0.7')).split(' ');
      assert.equal(from, '127.0.0.7', 'no masquerade: the pod sees the real client');
      counts.set(name ?? '', (counts.get(name ?? '') ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), ['pod-0', 'pod-1', 'pod-2']);
    for (const [name, n] of counts) assert.ok(Math.abs(n - 100) <= 5, `${name}: ${n}`);
  });

  test('hairpin: a pod reaching its own Service is served', async () => {
    const got = await Promise.all([1, 2, 3].map(() => ask('127.200.1.1', 80, '127.246.1.1')));
    for (const g of got) assert.match(g, /^pod-\d 127\.246\.1\.1$/);
  });

  test('ClientIP affinity: each client address sticks to one pod, clients spread', async () => {
    source.services.set(service('aff', '127.200.1.2', [{ port: 80 }], { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }));
    source.slices.set(slice('aff-1', 'aff', eps(), [{ port: pods[0]?.port ?? 0 }]));
    await applied('service-ips', '127.200.1.2 . tcp . 80');
    const chosen = new Set<string>();
    for (let c = 1; c <= 6; c++) {
      const from = `127.0.1.${c}`;
      const names = new Set<string>();
      for (let i = 0; i < 5; i++) names.add((await ask('127.200.1.2', 80, from)).split(' ')[0] ?? '');
      assert.equal(names.size, 1, `${from} went to ${[...names].join(',')}`);
      chosen.add([...names][0] ?? '');
    }
    assert.ok(chosen.size >= 2, 'different clients get different pods');
  });

  test('NodePort on 127.0.0.1', async () => {
    const nodePort = await freePort('127.0.0.1');
    source.services.set(service('np', '127.200.1.3', [{ port: 80, nodePort }], { type: 'NodePort' }));
    source.slices.set(slice('np-1', 'np', [{ ip: pods[2]?.ip ?? '' }], [{ port: pods[0]?.port ?? 0 }]));
    await applied('service-nodeports', `tcp . ${nodePort}`);
    assert.equal(await ask('127.0.0.1', nodePort, '127.0.0.8'), 'pod-2 127.0.0.8');
    assert.equal(await ask('127.200.1.3', 80), 'pod-2 127.0.0.1');
  });

  test('no endpoints: the connection is refused at once', async () => {
    source.services.set(service('empty', '127.200.1.4', [{ port: 80 }]));
    await applied('no-endpoint-services', '127.200.1.4 . tcp . 80');
    const t0 = Date.now();
    assert.equal(await ask('127.200.1.4', 80), 'ECONNREFUSED');
    assert.ok(Date.now() - t0 < 1000);
  });

  test('Local policy without a local endpoint drops: the client times out, it is not refused', async () => {
    source.services.set(service('local', '127.200.1.6', [{ port: 80 }], { internalTrafficPolicy: 'Local' }));
    source.slices.set(slice('local-1', 'local', [{ ip: pods[0]?.ip ?? '', nodeName: 'node-b' }], [{ port: pods[0]?.port ?? 0 }]));
    await waitFor(() => backend.appliedRuleset()?.elements.get('no-endpoint-services')?.get('127.200.1.6 . tcp . 80') === 'drop');
    assert.equal(await ask('127.200.1.6', 80), 'timeout');
  });

  test('UDP: echo through the Service; when its endpoint goes, the flow moves', { skip: hasConntrack ? false : 'needs conntrack' }, async () => {
    const u1 = await startUdpPod('u1', '127.246.1.21');
    const u2 = await startUdpPod('u2', '127.246.1.22', u1.port);
    const udp = [u1, u2];
    const set = (ps: typeof udp) => source.slices.set(slice('u-1', 'u', ps.map((p) => ({ ip: p.ip })), [{ port: u1.port, protocol: 'UDP' }]));
    source.services.set(service('u', '127.200.1.5', [{ port: 53, protocol: 'UDP' }]));
    set(udp);
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.42', () => r()));
    const send = (m: string) => new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('udp timeout')), 1000);
      client.once('message', (d) => { clearTimeout(t); resolve(d.toString()); });
      client.send(m, 53, '127.200.1.5');
    });
    try {
      await waitFor(() => backend.appliedRuleset()?.elements.get('service-ips')?.get('127.200.1.5 . udp . 53')?.startsWith('goto') ?? false);
      await backend.idle();
      const first = (await send('a')).split(':')[0];
      assert.equal((await send('b')).split(':')[0], first, 'one flow, one endpoint');
      set(udp.filter((p) => p.name !== first));
      await waitFor(() => backend.appliedRuleset()?.chains.size !== undefined && ![...(backend.appliedRuleset()?.chains.keys() ?? [])].some((c) => c.includes(`u/udp/53__${first === 'u1' ? u1.ip : u2.ip}/`)));
      await backend.idle(); // conntrack has forgotten the flow
      const next = await send('c');
      assert.notEqual(next.split(':')[0], first);
      assert.equal(next.split(':')[1], 'c');
    } finally {
      client.close();
      source.services.delete('default', 'u');
      await Promise.all(udp.map((p) => p.close()));
    }
  });

  test('after cleanup the table is gone', async () => {
    assert.ok(await new ExecNftRunner().list(TABLE) !== undefined);
    ac.abort();
    await done;
    assert.equal(await new ExecNftRunner().list(TABLE), undefined);
  });
});

describe('nftables golden plans in the kernel', { skip: problem ?? false, timeout: 30_000 }, () => {
  const table = `${TABLE}_g`;
  after(async () => { await new ExecNftRunner().run(`add table ip ${table}\ndelete table ip ${table}\n`).catch(() => {}); });

  test('nft accepts every golden plan, first and as an incremental change from the previous one', async () => {
    const b = new NftablesBackend({ table, conntrack: { deleteUdp: () => Promise.resolve() } });
    const signal = new AbortController().signal;
    try {
      for (const c of cases) await b.apply(plan(c.in), signal);
      for (const c of [...cases].reverse()) await b.apply(plan(c.in), signal);
      await b.apply(plan([{ ip: '10.96.0.12', at: 80, eps: two, affinity: 60 }]), signal);
      await b.apply(plan([{ ip: '10.96.0.12', at: 80, eps: two, affinity: 30 }]), signal);
      await b.apply(plan([]), signal);
      const listed = await new ExecNftRunner().list(table) ?? '';
      assert.doesNotMatch(listed, /chain (service|endpoint|external)-[A-Z0-9x]{8}-|set affinity-/, 'an empty plan leaves only the skeleton');
    } finally {
      await b.cleanup();
    }
    assert.equal(await new ExecNftRunner().list(table), undefined);
  });
});
