// The incremental build (only the Services a change names are compiled again) serves exactly what a whole
// build of the final state serves: random sequences of Service and EndpointSlice changes, including pods
// shared by two headless Services (merged PTR owners), slices moving between Services, and deletes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLookup } from './fake-lookup.ts';
import { clusterIPService, externalNameService, headlessService, slice } from './testing/fixtures.ts';
import type { Ep } from './testing/fixtures.ts';
import { SnapshotRunner } from './snapshot-runner.ts';
import { buildSnapshot } from './snapshot.ts';
import type { Snapshot } from './snapshot.ts';
import { compileZone } from './zone.ts';
import { formatRr } from './records.ts';
import { mulberry32 } from '../lib/prng.ts';

const ZONE = 'cluster.local';


// contents flattens a snapshot to name → sorted record lines (SOA left out: its serial is the build time).
function contents(s: Snapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, e] of s.names) {
    const lines: string[] = [];
    for (const rrs of e.records.values()) for (const rr of rrs) if (rr.type !== 'SOA') lines.push(formatRr(rr));
    for (const rr of e.additional ?? []) lines.push(`+ ${formatRr(rr)}`);
    out.set(key, [...new Set(lines)].sort());
  }
  return out;
}

async function nextBuild(runner: SnapshotRunner, after: number): Promise<void> {
  const t0 = performance.now();
  while (runner.generation <= after && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 2));
  assert.ok(runner.generation > after, 'a build followed the changes');
}

function randomChange(l: FakeLookup, rnd: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const ns = pick(['default', 'prod']);
  const name = `s${Math.floor(rnd() * 8)}`;
  const n = Math.floor(rnd() * 8);
  const ports = rnd() < 0.5 ? [{ name: 'http', port: 80 }] : [];
  const r = rnd();
  if (r < 0.2) {
    // distinct ClusterIPs per Service: two Services never share one in a cluster
    const id = (ns === 'default' ? 0 : 8) + Number(name.slice(1));
    l.upsertService(clusterIPService(ns, name, [`10.96.0.${id + 1}`], ports));
  } else if (r < 0.4) l.upsertService(headlessService(ns, name, ports, rnd() < 0.3));
  else if (r < 0.45) l.upsertService(externalNameService(ns, name, pick(['example.com', 'other.example.org'])));
  else if (r < 0.55) l.deleteService(ns, name);
  else if (r < 0.9) {
    // pod IPs from a small pool, so pods end up behind several Services (shared PTR owners)
    const eps: Ep[] = Array.from({ length: n }, (_, i) => ({
      ip: `10.244.0.${1 + Math.floor(rnd() * 12)}`,
      ...(rnd() < 0.4 ? { hostname: `h${i}` } : {}),
      ...(rnd() < 0.2 ? { ready: false } : {}),
    }));
    l.upsertSlice(slice(ns, name, `${ns}-slice-${Math.floor(rnd() * 10)}`, eps, [{ name: 'http', port: 8080 }]));
  } else l.deleteSlice(ns, `${ns}-slice-${Math.floor(rnd() * 10)}`);
}

test('incremental builds serve what a whole build of the same state serves', async () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const rnd = mulberry32(seed);
    const l = new FakeLookup();
    const runner = new SnapshotRunner({ lookup: l, zone: ZONE, ttl: 5, minIntervalMs: 0 });
    let notified = 0;
    const off = l.onChange(() => { notified++; });
    try {
      await runner.whenReady();
      for (let round = 0; round < 25; round++) {
        const [gen, before] = [runner.generation, notified];
        const changes = 1 + Math.floor(rnd() * 4);
        for (let i = 0; i < changes; i++) randomChange(l, rnd);
        // deleting what does not exist changes nothing and builds nothing
        if (notified > before) await nextBuild(runner, gen);
        const got = runner.current();
        assert.ok(got);
        const want = buildSnapshot(compileZone(l, { zone: ZONE, ttl: 5, serial: 1 }), ZONE, 5);
        assert.deepEqual(contents(got), contents(want), `seed ${seed}, round ${round}`);
      }
    } finally {
      off();
      runner.stop();
    }
  }
});

test('a change rebuilds only the Service it names', async () => {
  const l = new FakeLookup();
  for (let i = 0; i < 2000; i++) l.upsertService(clusterIPService('default', `s${i}`, [`10.96.${i >> 8}.${i & 255}`], [{ name: 'http', port: 80 }]));
  const runner = new SnapshotRunner({ lookup: l, zone: ZONE, ttl: 5, minIntervalMs: 0 });
  try {
    await runner.whenReady();
    const gen = runner.generation;
    const reads = l.calls;
    l.upsertService(clusterIPService('default', 'late', ['10.96.100.1']));
    await nextBuild(runner, gen);
    // one read of the changed Service: no walk over the 2,000 others
    assert.ok(l.calls - reads <= 2, `${l.calls - reads} lookup reads for one change`);
    assert.ok(runner.current()?.names.size ?? 0 > 2000);
  } finally {
    runner.stop();
  }
});
