// Metrics count what the server saw: queries by type, responses by rcode, the latency histogram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsServer } from './server.ts';
import { FakeLookup } from './fake-lookup.ts';
import { clusterIPService } from './testing/fixtures.ts';
import { queryBytes, udpExchange } from './testing/client.ts';
import { TYPE } from './records.ts';

// ask sends a query and retries (bounded) when a datagram is lost on a loaded machine.
async function ask(port: number, msg: Buffer): Promise<void> {
  for (let i = 0; i < 5; i++) if (await udpExchange(port, msg, 500)) return;
  assert.fail('no answer');
}

test('queries by type, responses by rcode, latency histogram', async () => {
  const l = new FakeLookup();
  l.upsertService(clusterIPService('default', 'web', ['10.96.0.50']));
  const server = await createDnsServer({ lookup: l, port: 0, upstreams: [] });
  try {
    await server.ready();
    const port = server.address.port;
    for (let i = 0; i < 3; i++) await ask(port, queryBytes('web.default.svc.cluster.local', TYPE.A, { id: i }));
    for (let i = 0; i < 2; i++) await ask(port, queryBytes('nope.default.svc.cluster.local', TYPE.AAAA, { id: 10 + i }));
    await ask(port, queryBytes('web.default.svc.cluster.local', TYPE.SRV, { id: 20 }));
    const formerr = Buffer.from(queryBytes('web.default.svc.cluster.local', TYPE.A, { id: 30 }));
    formerr.writeUInt16BE(2, 4); // QDCOUNT 2 with one question
    await ask(port, formerr);
    const text = await server.metrics.registry.metrics();
    const value = (metric: string) => Number(text.split('\n').find((l) => l.startsWith(`${metric} `))?.slice(metric.length + 1));
    const cases = [
      { metric: 'portico_dns_requests_total{type="A"}', want: 3 },
      { metric: 'portico_dns_requests_total{type="AAAA"}', want: 2 },
      { metric: 'portico_dns_requests_total{type="SRV"}', want: 1 },
      { metric: 'portico_dns_responses_total{rcode="NOERROR"}', want: 4 },
      { metric: 'portico_dns_responses_total{rcode="NXDOMAIN"}', want: 2 },
      { metric: 'portico_dns_responses_total{rcode="FORMERR"}', want: 1 },
      { metric: 'portico_dns_request_duration_seconds_count', want: 6 },
      { metric: 'portico_dns_request_duration_seconds_bucket{le="+Inf"}', want: 6 },
    ];
    // a retried datagram is counted twice: allow the retries, never fewer
    for (const c of cases) assert.ok(value(c.metric) >= c.want && value(c.metric) <= c.want + 4, `${c.metric} = ${value(c.metric)}, want ${c.want}\n${text}`);
    assert.match(text, /# TYPE portico_dns_request_duration_seconds histogram/);
    assert.ok(value('portico_dns_request_duration_seconds_sum') > 0);
    assert.match(text, /portico_dns_cache_hits_total/);
  } finally {
    await server.close();
  }
});
