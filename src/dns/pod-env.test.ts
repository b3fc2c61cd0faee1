import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvConf, serviceEnv } from './pod-env.ts';
import { clusterIPService, externalNameService, headlessService } from './testing/fixtures.ts';

const services = [
  clusterIPService('default', 'kubernetes', ['10.96.0.1'], [{ name: 'https', port: 443, protocol: 'TCP' }]),
  clusterIPService('shop', 'redis-master', ['10.96.0.11'], [{ port: 6379, protocol: 'TCP' }]),
  clusterIPService('shop', 'web', ['fd00::12'], [{ name: 'http', port: 80 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }]),
  headlessService('shop', 'headless', [{ name: 'x', port: 1 }]),
  externalNameService('shop', 'ext', 'example.com'),
  clusterIPService('other', 'elsewhere', ['10.96.0.13'], [{ port: 1 }]),
];

const cases = [
  {
    desc: 'own namespace Services with a cluster IP, plus the master Service; headless, ExternalName and other namespaces left out',
    in: { namespace: 'shop' },
    want: `
      KUBERNETES_SERVICE_HOST=10.96.0.1
      KUBERNETES_SERVICE_PORT=443
      KUBERNETES_SERVICE_PORT_HTTPS=443
      KUBERNETES_PORT=tcp://10.96.0.1:443
      KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443
      KUBERNETES_PORT_443_TCP_PROTO=tcp
      KUBERNETES_PORT_443_TCP_PORT=443
      KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1
      REDIS_MASTER_SERVICE_HOST=10.96.0.11
      REDIS_MASTER_SERVICE_PORT=6379
      REDIS_MASTER_PORT=tcp://10.96.0.11:6379
      REDIS_MASTER_PORT_6379_TCP=tcp://10.96.0.11:6379
      REDIS_MASTER_PORT_6379_TCP_PROTO=tcp
      REDIS_MASTER_PORT_6379_TCP_PORT=6379
      REDIS_MASTER_PORT_6379_TCP_ADDR=10.96.0.11
      WEB_SERVICE_HOST=fd00::12
      WEB_SERVICE_PORT=80
      WEB_SERVICE_PORT_HTTP=80
      WEB_SERVICE_PORT_DNS_UDP=53
      WEB_PORT=tcp://[fd00::12]:80
      WEB_PORT_80_TCP=tcp://[fd00::12]:80
      WEB_PORT_80_TCP_PROTO=tcp
      WEB_PORT_80_TCP_PORT=80
      WEB_PORT_80_TCP_ADDR=fd00::12
      WEB_PORT_53_UDP=udp://[fd00::12]:53
      WEB_PORT_53_UDP_PROTO=udp
      WEB_PORT_53_UDP_PORT=53
      WEB_PORT_53_UDP_ADDR=fd00::12`,
  },
  {
    desc: 'enableServiceLinks false: only the master Service',
    in: { namespace: 'shop', enableServiceLinks: false },
    want: `
      KUBERNETES_SERVICE_HOST=10.96.0.1
      KUBERNETES_SERVICE_PORT=443
      KUBERNETES_SERVICE_PORT_HTTPS=443
      KUBERNETES_PORT=tcp://10.96.0.1:443
      KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443
      KUBERNETES_PORT_443_TCP_PROTO=tcp
      KUBERNETES_PORT_443_TCP_PORT=443
      KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1`,
  },
];

for (const c of cases) {
  test(`serviceEnv: ${c.desc}`, () => {
    const got = serviceEnv(services, c.in).map((e) => `${e.name}=${e.value ?? ''}`);
    assert.deepEqual(got, c.want.trim().split('\n').map((l) => l.trim()));
  });
}

const resolvCases = [
  { desc: 'one nameserver, default zone', in: { nameserver: '10.96.0.10', namespace: 'shop' },
    want: 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n' },
  { desc: 'custom zone, host search domains appended', in: { nameserver: ['127.0.0.1'], namespace: 'a', zone: 'example.internal', hostSearches: ['corp.example'] },
    want: 'search a.svc.example.internal svc.example.internal example.internal corp.example\nnameserver 127.0.0.1\noptions ndots:5\n' },
];
for (const c of resolvCases) {
  test(`resolvConf: ${c.desc}`, () => assert.equal(resolvConf(c.in), c.want));
}
