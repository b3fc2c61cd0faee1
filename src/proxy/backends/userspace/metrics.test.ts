import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { listenerKey } from '../../plan/types.ts';
import type { ListenerPlan } from '../../plan/types.ts';
import { ProxyMetrics } from './metrics.ts';

const plan: ListenerPlan = {
  key: listenerKey('TCP', '127.100.0.1', 80), service: { namespace: 'ns', name: 'web' }, portName: 'ns/web:http/TCP' as ListenerPlan['portName'],
  servicePort: { name: 'http', port: 80 }, role: 'clusterIP', protocol: 'TCP', ip: '127.100.0.1', port: 80, endpoints: [], whenEmpty: 'reject',
  affinityTimeoutSeconds: undefined, proxyProtocol: undefined,
};

test('ProxyMetrics exports the hot-path counters at scrape time', async () => {
  const reg = new Registry();
  const m = new ProxyMetrics([reg]);
  const s = m.endpoint(plan, '10.0.0.1:8080');
  s.connections.inc(); s.connections.inc(); s.active.inc(); s.bytesToEndpoint.inc(100); s.selections.inc(3);
  m.rejected(plan);
  const text = await reg.metrics();
  const labels = 'namespace="ns",service="web",port="http",protocol="TCP"';
  const cases = [
    `portico_proxy_connections_total{${labels},endpoint="10.0.0.1:8080"} 2`,
    `portico_proxy_active_flows{${labels},endpoint="10.0.0.1:8080"} 1`,
    `portico_proxy_bytes_total{${labels},endpoint="10.0.0.1:8080",direction="to_endpoint"} 100`,
    `portico_proxy_endpoint_selections_total{${labels},endpoint="10.0.0.1:8080"} 3`,
    `portico_proxy_rejected_total{${labels}} 1`,
  ];
  for (const want of cases) assert.ok(text.split('\n').includes(want), `missing: ${want}\n${text}`);
});
