// The hand-written codec against an independent one: every answer of a compiled zone, asked with a
// query dns-packet encoded, is decoded by dns-packet and compared with the records it should carry.
// dns-packet (5.6.x) writes names uncompressed, so the same answer re-encoded by it is also larger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FakeLookup } from './fake-lookup.ts';
import { parseQuery } from './message.ts';
import type { Query } from './message.ts';
import { kubernetesPlugin } from './plugins/kubernetes.ts';
import { chain } from './plugin.ts';
import { errorResponse } from './answer.ts';
import { formatRr, RCODE, typeName } from './records.ts';
import { SnapshotRunner } from './snapshot-runner.ts';
import { clusterIPService, headlessService, slice } from './testing/fixtures.ts';

interface PacketRecord { name: string; type: string; ttl?: number; data?: unknown }
interface Packet { id: number; rcode: string; flag_aa: boolean; questions: { name: string; type: string }[]; answers: PacketRecord[]; authorities: PacketRecord[]; additionals: PacketRecord[] }
const dnsPacket = createRequire(import.meta.url)('dns-packet') as {
  encode(p: { type: 'query' | 'response'; id: number; flags?: number; questions: { type: string; name: string }[]; answers?: PacketRecord[]; authorities?: PacketRecord[]; additionals?: PacketRecord[] }): Buffer;
  decode(b: Buffer): Packet;
  RECURSION_DESIRED: number;
};

// text renders a dns-packet record the way formatRr renders ours.
function text(r: PacketRecord): string {
  const d = r.data as Record<string, unknown> & unknown[];
  const rdata = (() => {
    switch (r.type) {
      case 'A': case 'AAAA': case 'PTR': case 'CNAME': case 'NS': return r.type === 'A' || r.type === 'AAAA' ? String(r.data) : `${String(r.data)}.`;
      case 'SRV': return `${String(d['priority'])} ${String(d['weight'])} ${String(d['port'])} ${String(d['target'])}.`;
      case 'TXT': return (r.data as Buffer[]).map((b) => JSON.stringify(b.toString())).join(' ');
      case 'SOA': return `${String(d['mname'])}. ${String(d['rname'])}. ${String(d['serial'])} ${String(d['refresh'])} ${String(d['retry'])} ${String(d['expire'])} ${String(d['minimum'])}`;
      default: return '?';
    }
  })();
  // names compare case-insensitively: a pointer into the question carries the case it was asked in
  return `${r.name.toLowerCase()}. ${r.ttl ?? 0} IN ${r.type} ${r.type === 'TXT' ? rdata : rdata.toLowerCase()}`;
}

function lookup(): FakeLookup {
  const l = new FakeLookup();
  l.upsertService(clusterIPService('default', 'kubernetes', ['10.96.0.1'], [{ name: 'https', port: 443 }]));
  l.upsertService(clusterIPService('shop', 'dual', ['10.96.0.20', 'fd00::20'], [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }]));
  l.upsertService(headlessService('shop', 'db', [{ name: 'pg', port: 5432 }]));
  l.upsertSlice(slice('shop', 'db', 'db-1', Array.from({ length: 10 }, (_, i) => ({ ip: `10.244.1.${i + 1}`, hostname: `db-${i}` })), [{ name: 'pg', port: 5432 }]));
  return l;
}

test('every answer of the zone decodes with dns-packet to the records compiled for it', async () => {
  const runner = new SnapshotRunner({ lookup: lookup(), zone: 'cluster.local', ttl: 5 });
  try {
    await runner.whenReady();
    const snap = runner.current();
    assert.ok(snap);
    const handler = chain([kubernetesPlugin({ snapshot: () => snap, zone: 'cluster.local', ra: false })], (req) => errorResponse(req.msg, RCODE.REFUSED, req.q, false));
    let checked = 0;
    for (const entry of snap.names.values()) {
      for (const [type, rrs] of entry.records) {
        // ask in mixed case: the answer's names must still point at the right bytes
        const asked = entry.name.replace(/[a-z]/, (c) => c.toUpperCase());
        const msg = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: typeName(type), name: asked }] });
        const q = parseQuery(msg) as Query;
        assert.equal(typeof q, 'object', `${asked} parses`);
        const res = handler({ msg, q, transport: 'tcp' }) as Buffer;
        const p = dnsPacket.decode(res);
        assert.equal(p.id, 4242);
        assert.equal(p.rcode, 'NOERROR');
        assert.equal(p.flag_aa, true);
        assert.deepEqual(p.questions, [{ name: asked, type: typeName(type), class: 'IN' }]);
        assert.deepEqual(p.answers.map(text).sort(), rrs.map(formatRr).sort(), `${entry.name} ${typeName(type)}`);
        if (typeName(type) === 'SRV') assert.ok(p.additionals.length > 0, 'SRV carries its targets as additional records');
        checked++;
      }
    }
    assert.ok(checked > 30, `checked ${checked} answers`);
  } finally {
    runner.stop();
  }
});

test('negative answers decode: NXDOMAIN and NODATA with the SOA in authority', async () => {
  const runner = new SnapshotRunner({ lookup: lookup(), zone: 'cluster.local', ttl: 5 });
  try {
    await runner.whenReady();
    const snap = runner.current();
    assert.ok(snap);
    const handler = kubernetesPlugin({ snapshot: () => snap, zone: 'cluster.local', ra: false })((req) => errorResponse(req.msg, RCODE.REFUSED, req.q, false));
    const cases = [
      { name: 'nope.shop.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
      { name: 'dual.shop.svc.cluster.local', type: 'TXT', rcode: 'NOERROR' },
      { name: 'shop.svc.cluster.local', type: 'A', rcode: 'NOERROR' },
    ];
    for (const c of cases) {
      const msg = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: c.type, name: c.name }] });
      const p = dnsPacket.decode(handler({ msg, q: parseQuery(msg) as Query, transport: 'udp' }) as Buffer);
      assert.equal(p.rcode, c.rcode, c.name);
      assert.equal(p.answers.length, 0);
      assert.deepEqual(p.authorities.map((r) => `${r.name} ${r.type} ${r.ttl ?? ''}`), ['cluster.local SOA 5'], c.name);
    }
  } finally {
    runner.stop();
  }
});

test('our encoding is compressed: smaller than dns-packet re-encoding the same answer', async () => {
  const runner = new SnapshotRunner({ lookup: lookup(), zone: 'cluster.local', ttl: 5 });
  try {
    await runner.whenReady();
    const snap = runner.current();
    assert.ok(snap);
    const handler = kubernetesPlugin({ snapshot: () => snap, zone: 'cluster.local', ra: false })((req) => errorResponse(req.msg, RCODE.REFUSED, req.q, false));
    const msg = dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'db.shop.svc.cluster.local' }] });
    const ours = handler({ msg, q: parseQuery(msg) as Query, transport: 'udp' }) as Buffer;
    const p = dnsPacket.decode(ours);
    assert.equal(p.answers.length, 10);
    const theirs = dnsPacket.encode({ type: 'response', id: 1, questions: p.questions, answers: p.answers });
    // 10 A records: 16 bytes each with a pointer to the question, 16 + 25 more with the name in full
    assert.equal(ours.length, 12 + 31 + 10 * 16);
    assert.equal(theirs.length, 12 + 31 + 10 * (16 + 25));
  } finally {
    runner.stop();
  }
});
