// Userspace backend over real loopback sockets: 3 fake pods behind one Service.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort, listening, service, slice, startPod, startProxy, waitFor, whoami } from './fake-pods.ts';
import type { FakePod, Harness } from './fake-pods.ts';
import { useStreamConnections } from './tcp-listener.ts';
import type { UserspaceBackendOptions } from './userspace-backend.ts';


// proxyFor starts a proxy whose new listeners use `kind` connections, with Service `name` on vip:<free
// port> in front of one pod, and waits until it listens (the caller stops it and resets the kind).
async function proxyFor(kind: 'raw' | 'stream', name: string, vip: string, pod: { ip: string; port: number }, opts: UserspaceBackendOptions = {}): Promise<{ h: Harness; port: number }> {
  const port = await freePort(vip);
  useStreamConnections(kind === 'stream');
  const h = startProxy(opts);
  h.source.services.set(service(name, vip, [{ port }]));
  h.source.slices.set(slice(`${name}-1`, name, [{ ip: pod.ip }], [{ port: pod.port }]));
  await waitFor(() => listening(vip, port));
  return { h, port };
}

// Every test runs over both connection kinds: RawConnection (bare handles, the default) and
// StreamConnection (net.Socket both sides, used where Node's bindings are missing).
for (const kind of ['raw', 'stream'] as const) {
const vipBase = kind === 'raw' ? '127.100.3' : '127.100.5';
const VIP = `${vipBase}.1`;
describe(`userspace TCP proxy (${kind} connections)`, { timeout: 30_000 }, () => {
  let pods: FakePod[] = [];
  let h: Harness;
  let port: number;
  let podPort: number;

  before(async () => {
    useStreamConnections(kind === 'stream');
    const first = await startPod('pod-0', '127.244.3.1');
    podPort = first.port;
    pods = [first, await startPod('pod-1', '127.244.3.2', podPort), await startPod('pod-2', '127.244.3.3', podPort)];
    port = await freePort(VIP);
    h = startProxy();
  });
  after(async () => {
    await h.stop();
    await Promise.all(pods.map((p) => p.close()));
    useStreamConnections(false);
  });

  const setSlice = (ps: FakePod[]) => h.source.slices.set(slice('web-1', 'web', ps.map((p) => ({ ip: p.ip })), [{ port: podPort }]));

  test('round robin spreads 300 connections evenly', async () => {
    h.source.services.set(service('web', VIP, [{ port }]));
    setSlice(pods);
    await waitFor(() => listening(VIP, port));
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const who = await whoami(VIP, port);
      counts.set(who, (counts.get(who) ?? 0) + 1);
    }
    assert.equal(counts.size, 3);
    for (const [who, n] of counts) assert.ok(Math.abs(n - 100) <= 5, `${who} got ${n}`);
  });

  test('ClientIP affinity pins a source address and releases it after the timeout', async () => {
    h.source.services.set(service('web', VIP, [{ port }], { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 1 } } }));
    await waitFor(() => h.proxy.lastPlan()?.listeners.values().next().value?.affinityTimeoutSeconds === 1);
    const clients = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'];
    const pinned = new Map<string, string>();
    for (let round = 0; round < 5; round++) {
      for (const c of clients) {
        const who = await whoami(VIP, port, c);
        if (round === 0) pinned.set(c, who); else assert.equal(who, pinned.get(c), `client ${c} moved`);
      }
    }
    assert.ok(new Set(pinned.values()).size > 1, 'different clients should spread');
    const lone = '127.0.0.15';
    const first = await whoami(VIP, port, lone);
    await new Promise((r) => setTimeout(r, 1100));
    assert.notEqual(await whoami(VIP, port, lone), first, 'pin should have expired');
    h.source.services.set(service('web', VIP, [{ port }]));
  });

  test('killing a pod mid-stream fails no new connection', async () => {
    const victim = pods[1] as FakePod;
    // a connection already open to the victim when it dies may fail (so it would in Kubernetes); a
    // connection started after the kill must not
    const results = { ok: 0, failed: 0 };
    let stop = false;
    let killedAt = Infinity;
    const load = (async () => {
      while (!stop) {
        await Promise.all([0, 1, 2, 3].map(() => {
          const started = performance.now();
          return whoami(VIP, port).then(() => results.ok++, () => { if (started > killedAt) results.failed++; });
        }));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await victim.close();
    killedAt = performance.now();
    await new Promise((r) => setTimeout(r, 150));
    setSlice(pods.filter((p) => p !== victim));
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await load;
    assert.equal(results.failed, 0);
    assert.ok(results.ok > 50, `only ${results.ok} connections`);
    pods[1] = await startPod('pod-1', victim.ip, podPort);
    setSlice(pods);
  });

  test('scaling up: a new pod is reached within 100 ms of its slice update', async () => {
    const fresh = await startPod('pod-3', '127.244.3.4', podPort);
    pods.push(fresh);
    await waitFor(() => listening(VIP, port));
    const t0 = performance.now();
    setSlice(pods);
    let reached = -1;
    while (performance.now() - t0 < 1000) {
      if (await whoami(VIP, port) === 'pod-3') { reached = performance.now() - t0; break; }
    }
    assert.ok(reached >= 0 && reached < 100, `reached after ${reached} ms`);
  });

  test('a removed endpoint\'s open connections drain, then reset', async () => {
    const sock = await import('node:net').then((n) => n.connect({ host: VIP, port }));
    const who = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString().trim())));
    const closed = new Promise<number>((r) => { const t0 = Date.now(); sock.on('error', () => {}); sock.on('close', () => r(Date.now() - t0)); });
    setSlice(pods.filter((p) => p.name !== who));
    sock.write('still here');
    const echo = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
    assert.equal(echo, 'still here');
    const ms = await closed;
    assert.ok(ms >= 100 && ms < 2000, `reset after ${ms} ms (drain 200 ms)`);
    setSlice(pods);
  });

  test('half-close: the client ends, the pod still answers', async () => {
    const net = await import('node:net');
    const sock = net.connect({ host: VIP, port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    await new Promise((r) => sock.once('connect', r));
    sock.end('bye');
    await new Promise((r) => sock.once('end', r));
    sock.destroy();
    assert.match(Buffer.concat(chunks).toString(), /^pod-\d\nbye$/);
  });
});

describe(`userspace TCP proxy, shutdown (${kind} connections)`, { timeout: 30_000 }, () => {
  // cleanup() closes every listener with a reset of its connections and returns only once they are over:
  // the gauges and byte counters are final when it returns.
  test('stopping the proxy waits until its open connections are closed and counted', async () => {
    const net = await import('node:net');
    const vip = `${vipBase}.3`;
    const pod = await startPod('stop', '127.244.3.10');
    const { h, port } = await proxyFor(kind, 'stop', vip, pod);
    try {
      const socks = await Promise.all([1, 2, 3].map(() => new Promise<import('node:net').Socket>((resolve, reject) => {
        const s = net.connect({ host: vip, port });
        s.on('error', () => {});
        s.once('data', () => resolve(s));
        setTimeout(() => reject(new Error('no greeting')), 2000);
      })));
      assert.match(await h.backend.registry.metrics(), /portico_proxy_active_flows\{[^}]*\} 3/);
      await h.stop();
      const m = await h.backend.registry.metrics();
      assert.match(m, /portico_proxy_active_flows\{[^}]*\} 0/);
      // every connection (ours and listening()'s probe) got the pod's 5-byte greeting, counted at close
      const conns = Number(/portico_proxy_connections_total\{[^}]*\} (\d+)/.exec(m)?.[1]);
      assert.ok(conns >= 3);
      assert.match(m, new RegExp(`direction="from_endpoint"\\} ${5 * conns}\n`));
      for (const s of socks) s.destroy();
    } finally {
      await pod.close();
      useStreamConnections(false);
    }
  });
});

describe(`userspace TCP proxy, idle timeout (${kind} connections)`, { timeout: 30_000 }, () => {
  // idleTimeoutMs 300: a connection with no traffic either way is reset (checked by the listener's sweep,
  // every idleTimeoutMs / 4), one with traffic is not.
  test('an idle connection is reset; a talking one is not', async () => {
    const net = await import('node:net');
    const vip = `${vipBase}.4`;
    const pod = await startPod('idle', '127.244.3.11', 0, false);
    const { h, port } = await proxyFor(kind, 'idle', vip, pod, { idleTimeoutMs: 300 });
    try {
      const quiet = net.connect({ host: vip, port });
      const talking = net.connect({ host: vip, port });
      let echoed = 0, talkingClosed = false;
      talking.on('data', (d: Buffer) => { echoed += d.length; });
      talking.on('close', () => { talkingClosed = true; });
      talking.on('error', () => {});
      const tick = setInterval(() => talking.write('x'), 50);
      const t0 = Date.now();
      const reset = await new Promise<number>((resolve) => { quiet.on('error', () => {}); quiet.on('close', () => resolve(Date.now() - t0)); });
      assert.ok(reset >= 250 && reset < 2000, `idle connection closed after ${reset} ms`);
      await new Promise((r) => setTimeout(r, 600));
      clearInterval(tick);
      assert.equal(talkingClosed, false, 'a connection with traffic was closed');
      assert.ok(echoed >= 10, `echoed ${echoed} bytes`);
      talking.destroy();
    } finally {
      await h.stop();
      await pod.close();
      useStreamConnections(false);
    }
  });
});

describe(`userspace TCP proxy, bulk (${kind} connections)`, { timeout: 30_000 }, () => {
  // Four connections echo 8 MiB each through the proxy while their clients read late and slowly, so the
  // proxy's writes stop short and wait (its read buffers are then held by pending writes): every byte
  // must come back in order, and the byte counters must see them.
  test('bulk echo with slow readers: every byte arrives intact and is counted', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const net = await import('node:net');
    const vip = `${vipBase}.2`;
    const pod = await startPod('bulk', '127.244.3.9', 0, false);
    const { h, port } = await proxyFor(kind, 'bulk', vip, pod);
    try {
      const size = 8 * 1024 * 1024;
      const one = async (): Promise<void> => {
        const data = randomBytes(size);
        const sock = net.connect({ host: vip, port });
        const got = createHash('sha256');
        let n = 0, chunks = 0;
        const done = new Promise<void>((resolve, reject) => {
          sock.on('error', reject);
          sock.on('data', (d: Buffer) => {
            got.update(d);
            n += d.length;
            if (n >= size) { sock.end(); resolve(); return; }
            if (++chunks % 16 === 0) { sock.pause(); setTimeout(() => sock.resume(), 3); }
          });
        });
        sock.pause();
        for (let off = 0; off < size; off += 1 << 20) sock.write(data.subarray(off, off + (1 << 20)));
        await new Promise((r) => setTimeout(r, 300)); // everything backs up before the client reads
        sock.resume();
        await done;
        assert.equal(n, size);
        assert.equal(got.digest('hex'), createHash('sha256').update(data).digest('hex'));
      };
      await Promise.all([one(), one(), one(), one()]);
      await waitFor(async () => /direction="from_endpoint"\} 33554432/.test(await h.backend.registry.metrics()), 3000);
      assert.match(await h.backend.registry.metrics(), /direction="to_endpoint"\} 33554432/);
    } finally {
      await h.stop();
      await pod.close();
      useStreamConnections(false);
    }
  });
});
}
