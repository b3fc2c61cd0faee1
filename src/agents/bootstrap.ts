// Bootstrap creates what a cluster has from the start: the default namespaces, and the `kubernetes`
// Service in `default` (ClusterIP = the first address of the service CIDR) with selector-less Endpoints
// pointing at the API server. It is idempotent: on a restart it converges what exists (the API port may move).
import { byKind } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { Registry } from '../apiserver/registry/types.ts';
import { isAlreadyExists, isNotFound } from '../lib/errors.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface BootstrapOptions { serviceCIDR: string; apiHost: string; apiPort: number }

// KubeDnsOptions: where the DNS server listens, and where its metrics are scraped (the API server's /metrics).
export interface KubeDnsOptions { serviceCIDR: string; dnsHost: string; dnsPort: number; metricsHost: string; metricsPort: number }

// info is the ResourceInfo of a core/v1 or grouped kind the scheme is known to have.
export function info(apiVersion: string, kind: string): ResourceInfo {
  const i = apiVersion.indexOf('/');
  const found = i < 0 ? byKind('', apiVersion, kind) : byKind(apiVersion.slice(0, i), apiVersion.slice(i + 1), kind);
  if (!found) throw new TypeError(`bootstrap: the scheme has no ${apiVersion} ${kind}`);
  return found;
}

// firstServiceIP is the ".1" address of an IPv4 CIDR: 127.96.0.0/12 → 127.96.0.1.
export function firstServiceIP(cidr: string): string {
  return serviceIP(cidr, 1);
}

// serviceIP is the nth address of an IPv4 CIDR: serviceIP('127.96.0.0/12', 10) → 127.96.0.10.
export function serviceIP(cidr: string, nth: number): string {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const parts = (addr ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255) || !(bits >= 0 && bits <= 30)) {
    throw new TypeError(`invalid service CIDR ${cidr}`);
  }
  const n = parts.reduce((a, p) => a * 256 + p, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  if (!(Number.isInteger(nth) && nth >= 1 && nth < 2 ** (32 - bits) - 1)) throw new TypeError(`service CIDR ${cidr} has no address number ${nth}`);
  const ip = ((n & mask) >>> 0) + nth;
  return [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join('.');
}

// ensure creates obj when it does not exist (looked up first: a create of an existing Service fails on
// its allocations before it fails on the name), else converges the live object's `fields` to obj's.
export async function ensure(registry: Registry, obj: KubeObject, fields: string[] = []): Promise<KubeObject> {
  const ri = info(obj.apiVersion ?? 'v1', obj.kind ?? '');
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  let live: KubeObject;
  try {
    live = await registry.get(ri, ns, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      return await registry.create(ri, ns, obj);
    } catch (e2) {
      if (!isAlreadyExists(e2)) throw e2;
      live = await registry.get(ri, ns, name);
    }
  }
  if (fields.length === 0) return live;
  const patch = Object.fromEntries(fields.map((f) => [f, obj[f]]));
  return registry.patch(ri, ns, name, 'strategic', patch);
}

// bootstrap makes the namespaces and the kubernetes Service and Endpoints.
export async function bootstrap(registry: Registry, o: BootstrapOptions): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await ensure(registry, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const port = { name: 'https', port: 443, protocol: 'TCP', targetPort: o.apiPort };
  await ensure(registry, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP: firstServiceIP(o.serviceCIDR), ports: [port], sessionAffinity: 'None' },
  });
  const svc = info('v1', 'Service');
  await registry.patch(svc, 'default', 'kubernetes', 'merge', { spec: { ports: [port] } });
  await ensure(registry, {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: [{ ip: o.apiHost }], ports: [{ name: 'https', port: o.apiPort, protocol: 'TCP' }] }],
  }, ['subsets']);
}

// bootstrapKubeDns makes the `kube-dns` Service in kube-system, as clusters have it: the ".10" ClusterIP of
// the service CIDR, dns/53 UDP, dns-tcp/53 TCP and metrics/9153, no selector, and Endpoints written here
// pointing at Portico's DNS server (and at the API server for metrics, whose /metrics carries the DNS
// series). The proxy then forwards <.10>:53 to the DNS server wherever it listens. Idempotent.
export async function bootstrapKubeDns(registry: Registry, o: KubeDnsOptions): Promise<void> {
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
    { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
  ];
  await ensure(registry, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { type: 'ClusterIP', clusterIP: serviceIP(o.serviceCIDR, 10), ports, sessionAffinity: 'None' },
  });
  const dnsPorts = [{ name: 'dns', port: o.dnsPort, protocol: 'UDP' }, { name: 'dns-tcp', port: o.dnsPort, protocol: 'TCP' }];
  const metricsPort = { name: 'metrics', port: o.metricsPort, protocol: 'TCP' };
  const subsets = o.dnsHost === o.metricsHost
    ? [{ addresses: [{ ip: o.dnsHost }], ports: [...dnsPorts, metricsPort] }]
    : [{ addresses: [{ ip: o.dnsHost }], ports: dnsPorts }, { addresses: [{ ip: o.metricsHost }], ports: [metricsPort] }];
  await ensure(registry, {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, subsets,
  }, ['subsets']);
}
