// The Kubernetes DNS specification (schema 1.1.0), asked with dig over UDP and TCP. Expected answers are
// zone-file text; SOA serials show as SERIAL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsServer } from './server.ts';
import type { DnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { dig, hasDig, zoneLines } from './testing/dig.ts';
import { clusterIPService, externalNameService, headlessService, slice } from './testing/fixtures.ts';

const SOA = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 5';

function clusterState(): FakeLookup {
  const l = new FakeLookup();
  l.upsertService(clusterIPService('default', 'kubernetes', ['10.96.0.1'], [{ name: 'https', port: 443, protocol: 'TCP' }]));
  l.upsertService(clusterIPService('default', 'dual', ['10.96.0.20', 'fd00::20'], [
    { name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { port: 81, protocol: 'TCP' }]));
  l.upsertService(headlessService('default', 'headless', [{ name: 'web', port: 80, protocol: 'TCP' }]));
  l.upsertSlice(slice('default', 'headless', 'headless-v4', [
    { ip: '10.244.0.5', hostname: 'pet-0' }, { ip: '10.244.0.6' }, { ip: '10.244.0.7', ready: false }], [{ name: 'web', port: 8080 }]));
  l.upsertSlice(slice('default', 'headless', 'headless-v6', [{ ip: 'fd00::5', hostname: 'pet-0' }], [{ name: 'web', port: 8080 }]));
  l.upsertService(headlessService('default', 'none-ready', [{ name: 'web', port: 80 }]));
  l.upsertSlice(slice('default', 'none-ready', 'none-ready-1', [{ ip: '10.244.0.8', ready: false }]));
  l.upsertService(headlessService('default', 'publish', [], true));
  l.upsertSlice(slice('default', 'publish', 'publish-1', [{ ip: '10.244.0.9', ready: false }]));
  l.upsertService(externalNameService('default', 'ext', 'www.example.com'));
  l.upsertService(externalNameService('default', 'alias', 'Kubernetes.Default.svc.cluster.local.'));
  l.upsertService(clusterIPService('other', 'db', ['10.96.5.5'], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
  return l;
}

interface Case { desc: string; q: [string, string]; status?: string; answer?: string; authority?: string; additional?: string; opts?: string[] }

const cases: Case[] = [
  { desc: '§2.2 schema version TXT', q: ['dns-version.cluster.local', 'TXT'], answer: 'dns-version.cluster.local. 5 IN TXT "1.1.0"' },
  { desc: '§2.3.1 ClusterIP A', q: ['kubernetes.default.svc.cluster.local', 'A'], answer: 'kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1' },
  { desc: '§2.1 names are case-insensitive', q: ['KuBeRnEtEs.DEFAULT.Svc.cluster.LOCAL', 'A'], answer: 'kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1' },
  { desc: '§2.3.1 dual-stack A', q: ['dual.default.svc.cluster.local', 'A'], answer: 'dual.default.svc.cluster.local. 5 IN A 10.96.0.20' },
  { desc: '§2.3.2 dual-stack AAAA', q: ['dual.default.svc.cluster.local', 'AAAA'], answer: 'dual.default.svc.cluster.local. 5 IN AAAA fd00::20' },
  { desc: 'AAAA of an IPv4-only Service is NODATA with the SOA', q: ['kubernetes.default.svc.cluster.local', 'AAAA'], authority: SOA },
  { desc: '§2.3.3 SRV of a named TCP port, target the Service, its address as additional', q: ['_https._tcp.kubernetes.default.svc.cluster.local', 'SRV'],
    answer: '_https._tcp.kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.',
    additional: 'kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1' },
  { desc: '§2.3.3 SRV of a named UDP port', q: ['_dns._udp.dual.default.svc.cluster.local', 'SRV'],
    answer: '_dns._udp.dual.default.svc.cluster.local. 5 IN SRV 0 100 53 dual.default.svc.cluster.local.',
    additional: 'dual.default.svc.cluster.local. 5 IN A 10.96.0.20\ndual.default.svc.cluster.local. 5 IN AAAA fd00::20' },
  { desc: '§2.3.3 SRV with the wrong protocol does not exist', q: ['_dns._tcp.dual.default.svc.cluster.local', 'SRV'], status: 'NXDOMAIN', authority: SOA },
  { desc: '§2.3.4 PTR of an IPv4 ClusterIP', q: ['1.0.96.10.in-addr.arpa', 'PTR'], answer: '1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local.' },
  { desc: '§2.3.4 PTR of an IPv6 ClusterIP', q: ['0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', 'PTR'],
    answer: '0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR dual.default.svc.cluster.local.' },
  { desc: '§2.4.1 headless A: one per ready endpoint, not-ready ones left out', q: ['headless.default.svc.cluster.local', 'A'],
    answer: 'headless.default.svc.cluster.local. 5 IN A 10.244.0.5\nheadless.default.svc.cluster.local. 5 IN A 10.244.0.6' },
  { desc: '§2.4.1 headless AAAA', q: ['headless.default.svc.cluster.local', 'AAAA'], answer: 'headless.default.svc.cluster.local. 5 IN AAAA fd00::5' },
  { desc: '§2.4.1 endpoint hostname A (one per address of that hostname)', q: ['pet-0.headless.default.svc.cluster.local', 'A'],
    answer: 'pet-0.headless.default.svc.cluster.local. 5 IN A 10.244.0.5' },
  { desc: '§2.4.1 endpoint hostname AAAA', q: ['pet-0.headless.default.svc.cluster.local', 'AAAA'], answer: 'pet-0.headless.default.svc.cluster.local. 5 IN AAAA fd00::5' },
  { desc: '§2.1 endpoint without hostname: a system-assigned one (its dashed IP)', q: ['10-244-0-6.headless.default.svc.cluster.local', 'A'],
    answer: '10-244-0-6.headless.default.svc.cluster.local. 5 IN A 10.244.0.6' },
  { desc: '§2.4.1 a not-ready endpoint has no name', q: ['10-244-0-7.headless.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: '§2.4.2 headless SRV: one per ready hostname, endpoint port, addresses as additional', q: ['_web._tcp.headless.default.svc.cluster.local', 'SRV'],
    answer: `_web._tcp.headless.default.svc.cluster.local. 5 IN SRV 0 100 8080 pet-0.headless.default.svc.cluster.local.
             _web._tcp.headless.default.svc.cluster.local. 5 IN SRV 0 100 8080 10-244-0-6.headless.default.svc.cluster.local.`,
    additional: `pet-0.headless.default.svc.cluster.local. 5 IN A 10.244.0.5
                 pet-0.headless.default.svc.cluster.local. 5 IN AAAA fd00::5
                 10-244-0-6.headless.default.svc.cluster.local. 5 IN A 10.244.0.6` },
  { desc: '§2.4.3 PTR of a ready endpoint', q: ['5.0.244.10.in-addr.arpa', 'PTR'], answer: '5.0.244.10.in-addr.arpa. 5 IN PTR pet-0.headless.default.svc.cluster.local.' },
  { desc: '§2.4.1 headless with no ready endpoint: NXDOMAIN', q: ['none-ready.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: '§2.1 publishNotReadyAddresses makes every endpoint ready', q: ['publish.default.svc.cluster.local', 'A'], answer: 'publish.default.svc.cluster.local. 5 IN A 10.244.0.9' },
  { desc: '§2.5 ExternalName: CNAME for an A question', q: ['ext.default.svc.cluster.local', 'A'], answer: 'ext.default.svc.cluster.local. 5 IN CNAME www.example.com.' },
  { desc: '§2.5 ExternalName: CNAME for a CNAME question', q: ['ext.default.svc.cluster.local', 'CNAME'], answer: 'ext.default.svc.cluster.local. 5 IN CNAME www.example.com.' },
  { desc: '§2.6 (deprecated, required) pod A record', q: ['10-244-3-4.default.pod.cluster.local', 'A'], answer: '10-244-3-4.default.pod.cluster.local. 5 IN A 10.244.3.4' },
  { desc: '§2.6 pod A record in any namespace (pods insecure)', q: ['1-2-3-4.anywhere.pod.cluster.local', 'A'], answer: '1-2-3-4.anywhere.pod.cluster.local. 5 IN A 1.2.3.4' },
  { desc: 'IPv6 pod AAAA record', q: ['fd00--7.default.pod.cluster.local', 'AAAA'], answer: 'fd00--7.default.pod.cluster.local. 5 IN AAAA fd00::7' },
  { desc: 'pod name, other type: NODATA', q: ['10-244-3-4.default.pod.cluster.local', 'AAAA'], authority: SOA },
  { desc: 'pod name that is not an address: NXDOMAIN', q: ['not-an-ip.default.pod.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: 'other namespace', q: ['db.other.svc.cluster.local', 'A'], answer: 'db.other.svc.cluster.local. 5 IN A 10.96.5.5' },
  { desc: 'missing Service: NXDOMAIN with the SOA', q: ['missing.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: 'missing namespace: NXDOMAIN', q: ['kubernetes.nope.svc.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: 'Service in the wrong namespace: NXDOMAIN', q: ['db.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', authority: SOA },
  { desc: 'empty non-terminal <ns>.svc.<zone>: NODATA', q: ['default.svc.cluster.local', 'A'], authority: SOA },
  { desc: 'empty non-terminal svc.<zone>: NODATA', q: ['svc.cluster.local', 'A'], authority: SOA },
  { desc: 'existing name, type without records: NODATA', q: ['kubernetes.default.svc.cluster.local', 'TXT'], authority: SOA },
  { desc: 'zone apex SOA', q: ['cluster.local', 'SOA'], answer: SOA },
  { desc: 'zone apex NS', q: ['cluster.local', 'NS'], answer: 'cluster.local. 5 IN NS ns.dns.cluster.local.' },
  { desc: 'ANY is refused', q: ['kubernetes.default.svc.cluster.local', 'ANY'], status: 'REFUSED' },
  { desc: 'zone transfer (AXFR) is refused', q: ['cluster.local', 'AXFR'], status: 'REFUSED' },
  { desc: '§2.4.3 PTR of a ready IPv6 endpoint', q: ['5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', 'PTR'],
    answer: '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR pet-0.headless.default.svc.cluster.local.' },
  { desc: '§2.4.3 PTR of an endpoint without hostname names its system-assigned hostname', q: ['6.0.244.10.in-addr.arpa', 'PTR'],
    answer: '6.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-6.headless.default.svc.cluster.local.' },
  { desc: '§2.5 ExternalName to a name in the zone: the CNAME, then the target records', q: ['alias.default.svc.cluster.local', 'A'],
    answer: 'alias.default.svc.cluster.local. 5 IN CNAME kubernetes.default.svc.cluster.local.\nkubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1' },
  { desc: 'SOA of a name below the apex: NODATA', q: ['kubernetes.default.svc.cluster.local', 'SOA'], authority: SOA },
  { desc: 'empty non-terminal _tcp.<svc>: NODATA', q: ['_tcp.kubernetes.default.svc.cluster.local', 'SRV'], authority: SOA },
  { desc: 'pod namespace level <ns>.pod.<zone>: NODATA', q: ['default.pod.cluster.local', 'A'], authority: SOA },
  { desc: 'ExternalName, other type (AAAA): the CNAME alone when the target has none', q: ['alias.default.svc.cluster.local', 'AAAA'],
    answer: 'alias.default.svc.cluster.local. 5 IN CNAME kubernetes.default.svc.cluster.local.' },
  { desc: 'outside the zone with no upstream: REFUSED', q: ['example.com', 'A'], status: 'REFUSED' },
  { desc: 'unknown reverse name with no upstream: REFUSED', q: ['7.0.244.10.in-addr.arpa', 'PTR'], status: 'REFUSED' },
  { desc: 'EDNS version 1: BADVERS', q: ['kubernetes.default.svc.cluster.local', 'A'], status: 'BADVERS', opts: ['+edns=1', '+noednsnegotiation'] },
];

describe('cluster DNS per the specification', { skip: !hasDig() && 'dig not installed' }, () => {
  let server: DnsServer;
  before(async () => {
    server = await createDnsServer({ lookup: clusterState(), port: 0, upstreams: [] });
    await server.ready();
  });
  after(() => server.close());

  for (const transport of ['udp', 'tcp'] as const) {
    for (const c of cases) {
      test(`${transport}: ${c.desc}`, async () => {
        const r = await dig(server.address.port, c.q[0], c.q[1], [...(transport === 'tcp' ? ['+tcp'] : []), ...(c.opts ?? [])]);
        assert.equal(r.status, c.status ?? 'NOERROR', r.raw);
        assert.deepEqual(r.answer, zoneLines(c.answer ?? ''), r.raw);
        assert.deepEqual(r.authority, zoneLines(c.authority ?? ''), r.raw);
        if (c.additional !== undefined) assert.deepEqual(r.additional, zoneLines(c.additional), r.raw);
        if (r.status !== 'REFUSED' && r.status !== 'BADVERS') assert.ok(r.flags.includes('aa'), 'authoritative');
      });
    }
  }

  test('EDNS: the OPT record is echoed with our buffer size; none without EDNS', async () => {
    const withEdns = await dig(server.address.port, 'kubernetes.default.svc.cluster.local', 'A', ['+bufsize=4096']);
    assert.match(withEdns.edns ?? '', /version: 0, flags:; udp: 1232/);
    const without = await dig(server.address.port, 'kubernetes.default.svc.cluster.local', 'A', ['+noedns']);
    assert.equal(without.edns, undefined);
    assert.deepEqual(without.answer, zoneLines('kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1'));
  });

  test('the question is echoed in the case it was asked', async () => {
    const r = await dig(server.address.port, 'KUBERNETES.default.svc.cluster.local', 'A');
    assert.match(r.raw, /^KUBERNETES\.default\.svc\.cluster\.local\.\s+5\s+IN\s+A\s+10\.96\.0\.1$/m);
  });
});

describe('configurable TTL', { skip: !hasDig() && 'dig not installed' }, () => {
  test('ttl 30 applies to answers and negative answers', async () => {
    const server = await createDnsServer({ lookup: clusterState(), port: 0, upstreams: [], ttl: 30 });
    try {
      await server.ready();
      const a = await dig(server.address.port, 'kubernetes.default.svc.cluster.local', 'A');
      assert.deepEqual(a.answer, zoneLines('kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1'));
      const nx = await dig(server.address.port, 'missing.default.svc.cluster.local', 'A');
      assert.deepEqual(nx.authority, zoneLines('cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 30'));
    } finally {
      await server.close();
    }
  });
});
