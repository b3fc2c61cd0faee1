// compileZone, without sockets: the records of each Service shape, in zone-file text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLookup } from './fake-lookup.ts';
import { formatRr } from './records.ts';
import { compileZone } from './zone.ts';
import { clusterIPService, externalNameService, headlessService, slice } from './testing/fixtures.ts';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';

const APEX = `
cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 7 7200 1800 86400 5
cluster.local. 5 IN NS ns.dns.cluster.local.
dns-version.cluster.local. 5 IN TXT "1.1.0"`;

const cases: { desc: string; in: { services: V1Service[]; slices?: V1EndpointSlice[] }; want: string }[] = [
  { desc: 'empty cluster: apex and schema version only', in: { services: [] }, want: '' },
  { desc: 'ClusterIP with a named and an unnamed port', in: { services: [clusterIPService('ns1', 'web', ['10.0.0.1'], [{ name: 'http', port: 80 }, { port: 81 }])] },
    want: `
      web.ns1.svc.cluster.local. 5 IN A 10.0.0.1
      1.0.0.10.in-addr.arpa. 5 IN PTR web.ns1.svc.cluster.local.
      _http._tcp.web.ns1.svc.cluster.local. 5 IN SRV 0 100 80 web.ns1.svc.cluster.local.` },
  { desc: 'ClusterIP not allocated yet: no records', in: { services: [clusterIPService('ns1', 'web', [])] }, want: '' },
  { desc: 'headless: endpoints across slices deduplicated, not-ready left out', in: {
      services: [headlessService('ns1', 'db', [{ name: 'pg', port: 5432 }])],
      slices: [slice('ns1', 'db', 'a', [{ ip: '10.1.0.1', hostname: 'db-0' }, { ip: '10.1.0.2', ready: false }], [{ name: 'pg', port: 5432 }]),
        slice('ns1', 'db', 'b', [{ ip: '10.1.0.1', hostname: 'db-0' }], [{ name: 'pg', port: 5432 }])] },
    want: `
      db.ns1.svc.cluster.local. 5 IN A 10.1.0.1
      db-0.db.ns1.svc.cluster.local. 5 IN A 10.1.0.1
      1.0.1.10.in-addr.arpa. 5 IN PTR db-0.db.ns1.svc.cluster.local.
      _pg._tcp.db.ns1.svc.cluster.local. 5 IN SRV 0 100 5432 db-0.db.ns1.svc.cluster.local.` },
  { desc: 'ExternalName: one CNAME, trailing dot dropped', in: { services: [externalNameService('ns1', 'ext', 'Example.COM.')] },
    want: 'ext.ns1.svc.cluster.local. 5 IN CNAME example.com.' },
];

for (const c of cases) {
  test(`compileZone: ${c.desc}`, () => {
    const l = new FakeLookup();
    for (const s of c.in.services) l.upsertService(s);
    for (const s of c.in.slices ?? []) l.upsertSlice(s);
    const r = compileZone(l, { zone: 'cluster.local', ttl: 5, serial: 7 });
    const got = [...r.byName.values()].flatMap((types) => [...types.values()].flat()).map(formatRr).sort();
    const want = `${APEX}\n${c.want}`.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    assert.deepEqual(got, want);
  });
}
