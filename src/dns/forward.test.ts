// Names outside the zone go to the upstreams (a local fake, never a real resolver), through the cache.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsServer } from './server.ts';
import type { DnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { FakeUpstream } from './testing/fake-upstream.ts';
import { dig, hasDig, zoneLines } from './testing/dig.ts';
import { externalNameService } from './testing/fixtures.ts';
import { upstreamsFromResolvConf } from './plugins/forward.ts';
import { cachePlugin } from './plugins/cache.ts';
import { chain } from './plugin.ts';
import { parseQuery } from './message.ts';
import type { Query } from './message.ts';
import { queryBytes } from './testing/client.ts';
import { parseResponse } from './parse-response.ts';
import { respond } from './answer.ts';
import { encode } from './snapshot.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const www = { name: 'www.example.com', ttl: 300, type: 'A' as const, address: '192.0.2.53' };
const records = [
  www,
  { name: 'alias.example.com', ttl: 120, type: 'CNAME' as const, target: 'www.example.com' },
];

describe('forwarding', { skip: !hasDig() && 'dig not installed' }, () => {
  let up: FakeUpstream;
  let server: DnsServer;
  before(async () => {
    up = await new FakeUpstream({ records }).start();
    const l = new FakeLookup();
    l.upsertService(externalNameService('default', 'ext', 'www.example.com'));
    server = await createDnsServer({ lookup: l, port: 0, upstreams: [{ host: '127.0.0.1', port: up.port }] });
    await server.ready();
  });
  after(async () => { await server.close(); await up.close(); });

  const cases = [
    { desc: 'a name outside the zone is forwarded', q: ['www.example.com', 'A'], status: 'NOERROR', answer: 'www.example.com. 300 IN A 192.0.2.53' },
    { desc: 'NXDOMAIN from upstream is passed on', q: ['nope.example.com', 'A'], status: 'NXDOMAIN', answer: '' },
    { desc: '§2.5 ExternalName: the CNAME, then the target resolved upstream', q: ['ext.default.svc.cluster.local', 'A'], status: 'NOERROR',
      answer: 'ext.default.svc.cluster.local. 5 IN CNAME www.example.com.\nwww.example.com. 300 IN A 192.0.2.53' },
    { desc: 'unknown reverse names fall through to upstream', q: ['9.9.9.10.in-addr.arpa', 'PTR'], status: 'NXDOMAIN', answer: '' },
  ];
  for (const transport of ['udp', 'tcp'] as const) {
    for (const c of cases) {
      test(`${transport}: ${c.desc}`, async () => {
        const r = await dig(server.address.port, c.q[0] ?? '', c.q[1] ?? '', transport === 'tcp' ? ['+tcp'] : []);
        assert.equal(r.status, c.status, r.raw);
        assert.deepEqual(r.answer.map((l) => l.replace(/ \d+ IN /, ' TTL IN ')), zoneLines(c.answer).map((l) => l.replace(/ \d+ IN /, ' TTL IN ')));
        assert.ok(r.flags.includes('ra'), 'recursion available');
      });
    }
  }

  test('a repeated question is answered from the cache', async () => {
    const before = up.seen.filter((s) => s.name === 'alias.example.com').length;
    for (let i = 0; i < 5; i++) {
      const r = await dig(server.address.port, 'alias.example.com', 'A');
      assert.match(r.answer[0] ?? '', /^alias\.example\.com\. 1[12]\d IN CNAME www\.example\.com\.$/);
    }
    assert.equal(up.seen.filter((s) => s.name === 'alias.example.com').length - before, 1);
    const text = await server.metrics.registry.metrics();
    assert.match(text, /portico_dns_cache_hits_total [1-9]/);
    assert.match(text, /portico_dns_requests_total\{type="A"\} [1-9]/);
    assert.match(text, /portico_dns_responses_total\{rcode="NOERROR"\} [1-9]/);
    assert.match(text, /portico_dns_request_duration_seconds_count [1-9]/);
  });
});

test('an upstream that truncates is retried over TCP', { skip: !hasDig() && 'dig not installed' }, async () => {
  const up = await new FakeUpstream({ records, truncateUdp: true }).start();
  const server = await createDnsServer({ lookup: new FakeLookup(), port: 0, upstreams: [{ host: '127.0.0.1', port: up.port }] });
  try {
    const r = await dig(server.address.port, 'www.example.com', 'A');
    assert.deepEqual(r.answer, zoneLines('www.example.com. 300 IN A 192.0.2.53'));
    assert.deepEqual(up.seen.map((s) => s.transport), ['udp', 'tcp']);
  } finally {
    await server.close(); await up.close();
  }
});

test('a silent upstream is skipped for the next; all silent: SERVFAIL', { skip: !hasDig() && 'dig not installed' }, async () => {
  const dead = await new FakeUpstream({ records, silent: true }).start();
  const good = await new FakeUpstream({ records }).start();
  const both = await createDnsServer({ lookup: new FakeLookup(), port: 0, forwardTimeoutMs: 200, upstreams: [{ host: '127.0.0.1', port: dead.port }, { host: '127.0.0.1', port: good.port }] });
  const deadOnly = await createDnsServer({ lookup: new FakeLookup(), port: 0, forwardTimeoutMs: 200, upstreams: [{ host: '127.0.0.1', port: dead.port }] });
  try {
    assert.equal((await dig(both.address.port, 'www.example.com', 'A')).answer.length, 1);
    assert.equal((await dig(deadOnly.address.port, 'www.example.com', 'A')).status, 'SERVFAIL');
  } finally {
    await both.close(); await deadOnly.close(); await dead.close(); await good.close();
  }
});

test('cache: TTLs count down, entries expire, SERVFAIL is not cached', async () => {
  let now = 1_000_000;
  let calls = 0;
  let rcode = 0;
  const upstream = (req: { msg: Buffer; q: Query }) => {
    calls++;
    return respond(req.msg, req.q, { ...encode('www.example.com', 1, [www], [], []), rcode }, true, false);
  };
  const h = chain([cachePlugin({ now: () => now })], (req) => upstream(req));
  const ask = () => {
    const msg = queryBytes('www.example.com', 1);
    const q = parseQuery(msg) as Query;
    return h({ msg, q, transport: 'udp' }) as Buffer;
  };
  const cases = [
    { desc: 'miss', advanceMs: 0, wantCalls: 1, wantTtl: 300 },
    { desc: 'hit, 100 s later', advanceMs: 100_000, wantCalls: 1, wantTtl: 200 },
    { desc: 'expired after 300 s', advanceMs: 200_001, wantCalls: 2, wantTtl: 300 },
  ];
  for (const c of cases) {
    now += c.advanceMs;
    const res = ask();
    assert.equal(calls, c.wantCalls, c.desc);
    assert.equal(parseResponse(res)?.records[0]?.ttl, c.wantTtl, c.desc);
  }
  rcode = 2;
  now += 1_000_000;
  ask(); ask();
  assert.equal(calls, 4, 'SERVFAIL answers are not cached');
});

test('upstreamsFromResolvConf reads nameserver lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-dns-'));
  try {
    const path = join(dir, 'resolv.conf');
    writeFileSync(path, '# comment\nsearch example.com\nnameserver 192.0.2.1\nnameserver fe80::1%eth0\nnameserver bogus\noptions ndots:2\n');
    assert.deepEqual(upstreamsFromResolvConf(path), [{ host: '192.0.2.1', port: 53 }, { host: 'fe80::1', port: 53 }]);
    assert.deepEqual(upstreamsFromResolvConf(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
