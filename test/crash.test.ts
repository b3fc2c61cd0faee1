// Durability: SIGKILL the server in the middle of a stream of Service creates, restart it on the same
// data dir, and find every acknowledged object with the same ClusterIP and NodePort; new Services never
// get an address or port already taken.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startPortico, tempDir } from './harness.ts';

interface Acked { name: string; clusterIP: string; nodePort: number }
interface Svc { metadata: { name: string }; spec: { clusterIP: string; ports: { nodePort: number }[] } }

function service(name: string) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80 }] } };
}

async function create(url: string, name: string): Promise<Acked> {
  const res = await fetch(`${url}/api/v1/namespaces/default/services`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(service(name)),
  });
  if (res.status !== 201) throw new Error(`create ${name}: HTTP ${res.status} ${await res.text()}`);
  const s = await res.json() as Svc;
  return { name, clusterIP: s.spec.clusterIP, nodePort: s.spec.ports[0]?.nodePort ?? 0 };
}

describe('crash safety', { timeout: 90_000 }, () => {
  test('kill -9 mid-stream loses no acknowledged write or allocation', async () => {
    const dataDir = tempDir();
    const first = await startPortico({ dataDir });
    const acked: Acked[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `crash-${n++}`;
        try { acked.push(await create(first.url, name)); } catch { return; }   // the kill cuts the stream
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 10));
    await first.kill9();
    stop = true;
    await Promise.all(writers);

    const second = await startPortico({ dataDir });
    const res = await fetch(`${second.url}/api/v1/namespaces/default/services`);
    const items = ((await res.json()) as { items: Svc[] }).items;
    const byName = new Map(items.map((s) => [s.metadata.name, s]));
    for (const a of acked) {
      const s = byName.get(a.name);
      assert.ok(s, `acknowledged ${a.name} lost`);
      assert.equal(s.spec.clusterIP, a.clusterIP, `${a.name} clusterIP`);
      assert.equal(s.spec.ports[0]?.nodePort, a.nodePort, `${a.name} nodePort`);
    }
    const ips = new Set(items.map((s) => s.spec.clusterIP));
    const ports = new Set(items.flatMap((s) => s.spec.ports.map((p) => p.nodePort)).filter((x) => x));
    assert.equal(ips.size, items.length, 'no duplicate ClusterIP among stored Services');
    for (let i = 0; i < 30; i++) {
      const a = await create(second.url, `after-${i}`);
      assert.ok(!ips.has(a.clusterIP), `after-${i} got a taken ClusterIP ${a.clusterIP}`);
      assert.ok(!ports.has(a.nodePort), `after-${i} got a taken NodePort ${a.nodePort}`);
      ips.add(a.clusterIP);
      ports.add(a.nodePort);
    }
    assert.equal(await second.stop('SIGTERM'), 0, 'clean stop exits 0');
  });
});
