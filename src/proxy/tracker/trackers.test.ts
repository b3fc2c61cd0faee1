import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { EndpointsChangeTracker } from './endpoints-change-tracker.ts';
import { ServiceChangeTracker } from './service-change-tracker.ts';

const svc = (port: number, extra: Partial<V1Service> = {}): V1Service => ({
  metadata: { namespace: 'ns', name: 'web' }, spec: { clusterIP: '127.100.0.1', ports: [{ port, protocol: 'TCP' }] }, ...extra,
});
const sl = (name: string, svcName: string, ips: string[]): V1EndpointSlice => ({
  addressType: 'IPv4', metadata: { namespace: 'ns', name, labels: { 'kubernetes.io/service-name': svcName } },
  endpoints: ips.map((ip) => ({ addresses: [ip] })), ports: [{ port: 8080, protocol: 'TCP' }],
});

test('ServiceChangeTracker.update reports only changes the proxy serves', () => {
  const t = new ServiceChangeTracker();
  const cases = [
    { desc: 'add', in: [undefined, svc(80)] as const, want: true },
    { desc: 'same again', in: [svc(80), svc(80)] as const, want: false },
    { desc: 'status and labels only', in: [svc(80), svc(80, { metadata: { namespace: 'ns', name: 'web', labels: { a: 'b' } }, status: { loadBalancer: {} } })] as const, want: false },
    { desc: 'port change', in: [svc(80), svc(81)] as const, want: true },
    { desc: 'delete', in: [svc(81), undefined] as const, want: true },
    { desc: 'delete again', in: [svc(81), undefined] as const, want: false },
  ];
  for (const c of cases) assert.equal(t.update(c.in[0], c.in[1]), c.want, c.desc);
  assert.equal(t.snapshot().size, 0);
});

test('EndpointsChangeTracker merges slices and follows a slice moving between Services', () => {
  const t = new EndpointsChangeTracker({ nodeName: 'n' });
  assert.equal(t.update(undefined, sl('a', 'web', ['10.0.0.2'])), true);
  assert.equal(t.update(undefined, sl('b', 'web', ['10.0.0.1', '10.0.0.2'])), true);
  assert.deepEqual(t.snapshot().get('ns/web:/TCP' as never)?.map((e) => e.ip), ['10.0.0.1', '10.0.0.2']);
  assert.equal(t.update(sl('b', 'web', ['10.0.0.1', '10.0.0.2']), sl('b', 'web', ['10.0.0.1', '10.0.0.2'])), false);
  assert.equal(t.update(sl('b', 'web', ['10.0.0.1', '10.0.0.2']), sl('b', 'api', ['10.0.0.1'])), true);
  assert.deepEqual(t.snapshot().get('ns/web:/TCP' as never)?.map((e) => e.ip), ['10.0.0.2']);
  assert.deepEqual(t.snapshot().get('ns/api:/TCP' as never)?.map((e) => e.ip), ['10.0.0.1']);
  t.update(sl('a', 'web', []), undefined);
  t.update(sl('b', 'api', []), undefined);
  assert.equal(t.snapshot().size, 0);
});
