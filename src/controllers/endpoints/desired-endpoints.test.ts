import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1EndpointSubset } from '@kubernetes/client-node';
import { pod, service } from '../testing/fixtures.ts';
import type { Pod, Service } from '../shared/types.ts';
import { convergeEndpoints, desiredEndpoints } from './desired-endpoints.ts';

// compact renders subsets as "ready ips | notready ips | ports" strings, to keep the table readable.
function compact(subsets: V1EndpointSubset[]): string[] {
  return subsets.map((s) => [
    (s.addresses ?? []).map((a) => a.ip + (a.hostname ? `(${a.hostname})` : '')).join(','),
    (s.notReadyAddresses ?? []).map((a) => a.ip).join(','),
    (s.ports ?? []).map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).join(','),
  ].join(' | '));
}

const namedPorts = [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }];

const cases: { desc: string; in: { svc: Service; pods: Pod[] }; want: string[] }[] = [
  { desc: 'ready pods become addresses, sorted numerically', in: { svc: service(), pods: [pod({ name: 'b', ip: '127.244.0.10' }), pod({ name: 'a', ip: '127.244.0.9' })] },
    want: ['127.244.0.9,127.244.0.10 |  | http:8080/TCP'] },
  { desc: 'not-ready pods become notReadyAddresses', in: { svc: service(), pods: [pod({ name: 'a', ip: '127.244.0.1' }), pod({ name: 'b', ip: '127.244.0.2', ready: false })] },
    want: ['127.244.0.1 | 127.244.0.2 | http:8080/TCP'] },
  { desc: 'publishNotReadyAddresses puts every pod in addresses', in: { svc: service({ publishNotReady: true }), pods: [pod({ name: 'b', ip: '127.244.0.2', ready: false })] },
    want: ['127.244.0.2 |  | http:8080/TCP'] },
  { desc: 'terminating pods are excluded', in: { svc: service(), pods: [pod({ name: 'a', ip: '127.244.0.1', terminating: true })] }, want: [] },
  { desc: 'terminating pods are kept with publishNotReadyAddresses', in: { svc: service({ publishNotReady: true }), pods: [pod({ name: 'a', ip: '127.244.0.1', terminating: true })] },
    want: ['127.244.0.1 |  | http:8080/TCP'] },
  { desc: 'pods without IP are skipped', in: { svc: service(), pods: [pod({ name: 'a' })] }, want: [] },
  { desc: 'pods not matching the selector are skipped', in: { svc: service(), pods: [pod({ name: 'a', ip: '127.244.0.1', labels: { app: 'other' } })] }, want: [] },
  { desc: 'finished pods with restartPolicy Never are skipped', in: { svc: service(), pods: [pod({ name: 'a', ip: '127.244.0.1', phase: 'Succeeded', restartPolicy: 'Never' })] }, want: [] },
  { desc: 'named targetPort resolves per pod; pods lacking it are skipped',
    in: { svc: service({ ports: namedPorts }), pods: [
      pod({ name: 'a', ip: '127.244.0.1', ports: [{ name: 'web', containerPort: 8080 }] }),
      pod({ name: 'b', ip: '127.244.0.2', ports: [{ name: 'web', containerPort: 9090 }] }),
      pod({ name: 'c', ip: '127.244.0.3', ports: [{ name: 'other', containerPort: 7070 }] }),
    ] },
    want: ['127.244.0.1 |  | http:8080/TCP', '127.244.0.2 |  | http:9090/TCP'] },
  { desc: 'subsets group pods by identical port sets',
    in: { svc: service({ ports: [...namedPorts, { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'TCP' }] }), pods: [
      pod({ name: 'a', ip: '127.244.0.1', ports: [{ name: 'web', containerPort: 8080 }] }),
      pod({ name: 'b', ip: '127.244.0.2', ports: [{ name: 'web', containerPort: 8080 }] }),
      pod({ name: 'c', ip: '127.244.0.3' }),
    ] },
    want: ['127.244.0.1,127.244.0.2 |  | http:8080/TCP,metrics:9100/TCP', '127.244.0.3 |  | metrics:9100/TCP'] },
  { desc: 'hostname is set when the subdomain names the Service',
    in: { svc: service(), pods: [pod({ name: 'a', ip: '127.244.0.1', hostname: 'h1', subdomain: 'web' }), pod({ name: 'b', ip: '127.244.0.2', hostname: 'h2', subdomain: 'other' })] },
    want: ['127.244.0.1(h1),127.244.0.2 |  | http:8080/TCP'] },
  { desc: 'headless Service without ports lists addresses with no ports',
    in: { svc: service({ clusterIP: 'None', ports: [] }), pods: [pod({ name: 'a', ip: '127.244.0.1' })] }, want: ['127.244.0.1 |  | '] },
];

for (const c of cases) {
  test(`desiredEndpoints: ${c.desc}`, () => {
    assert.deepEqual(compact(desiredEndpoints(c.in.svc, c.in.pods)), c.want);
  });
}

test('desiredEndpoints fills targetRef and nodeName', () => {
  const [s] = desiredEndpoints(service(), [pod({ name: 'a', ip: '127.244.0.1', node: 'n1' })]);
  assert.deepEqual(s?.addresses?.[0], { ip: '127.244.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } });
});

test('convergeEndpoints writes only when subsets or labels change', () => {
  const svc = service({ labels: { team: 'x' } });
  const subsets = desiredEndpoints(svc, [pod({ name: 'a', ip: '127.244.0.1' })]);
  const created = convergeEndpoints(undefined, svc, subsets, new Date(0));
  assert.ok(created);
  assert.deepEqual(created.metadata?.labels, { team: 'x' });
  assert.equal(created.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '1970-01-01T00:00:00.000Z');
  assert.equal(convergeEndpoints(created, svc, subsets, new Date(5)), undefined);
  const headless = convergeEndpoints(created, service({ labels: { team: 'x' }, clusterIP: 'None' }), subsets, undefined);
  assert.deepEqual(headless?.metadata?.labels, { team: 'x', 'service.kubernetes.io/headless': '' });
  assert.equal(convergeEndpoints(created, svc, [], undefined)?.subsets?.length, 0);
});
