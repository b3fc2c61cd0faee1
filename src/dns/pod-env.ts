// What a pod sees of the cluster's services without asking DNS: the environment variables the kubelet
// injects (pkg/kubelet/envvars) and the resolv.conf it writes for dnsPolicy ClusterFirst. Pure functions.
import type { V1EnvVar, V1Service } from '@kubernetes/client-node';

export interface ServiceEnvOptions {
  namespace: string;              // the pod's namespace
  enableServiceLinks?: boolean;   // pod.spec.enableServiceLinks; default true
  masterNamespace?: string;       // where the "kubernetes" Service lives; default "default"
}

const MASTER_SERVICES = new Set(['kubernetes']);

// serviceEnv returns the variables for the Services a pod in namespace sees: every Service of its
// namespace with a cluster IP (when service links are on) and always the master "kubernetes" Service.
// A Service of the pod's own namespace wins over a master Service of the same name. Sorted by name.
export function serviceEnv(services: Iterable<V1Service>, o: ServiceEnvOptions): V1EnvVar[] {
  const master = o.masterNamespace ?? 'default';
  const links = o.enableServiceLinks ?? true;
  const byName = new Map<string, V1Service>();
  for (const svc of services) {
    const name = svc.metadata?.name;
    if (!name || !hasClusterIP(svc)) continue;
    if (svc.metadata?.namespace === master && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (svc.metadata?.namespace === o.namespace && links) {
      byName.set(name, svc);
    }
  }
  const out: V1EnvVar[] = [];
  for (const name of [...byName.keys()].sort()) {
    const svc = byName.get(name);
    if (svc) out.push(...envForService(svc));
  }
  return out;
}

function hasClusterIP(svc: V1Service): boolean {
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

// envVarName is the kubelet's makeEnvVariableName: uppercase, '-' → '_'.
export function envVarName(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

// envForService: <SVC>_SERVICE_HOST, <SVC>_SERVICE_PORT (first port), <SVC>_SERVICE_PORT_<NAME> per named
// port, then the Docker link variables.
function envForService(svc: V1Service): V1EnvVar[] {
  const name = envVarName(svc.metadata?.name ?? '');
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const out: V1EnvVar[] = [{ name: `${name}_SERVICE_HOST`, value: ip }];
  const first = ports[0];
  if (first) out.push({ name: `${name}_SERVICE_PORT`, value: String(first.port) });
  for (const p of ports) if (p.name) out.push({ name: `${name}_SERVICE_PORT_${envVarName(p.name)}`, value: String(p.port) });
  out.push(...linkEnv(name, ip, ports));
  return out;
}

// linkEnv is the Docker-links style set: <SVC>_PORT=<proto>://<ip>:<port> for the first port, and per
// port <SVC>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}.
function linkEnv(name: string, ip: string, ports: NonNullable<V1Service['spec']>['ports'] & object): V1EnvVar[] {
  const out: V1EnvVar[] = [];
  const host = ip.includes(':') ? `[${ip}]` : ip;
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const url = `${proto}://${host}:${p.port}`;
    const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
    if (i === 0) out.push({ name: `${name}_PORT`, value: url });
    out.push(
      { name: prefix, value: url },
      { name: `${prefix}_PROTO`, value: proto },
      { name: `${prefix}_PORT`, value: String(p.port) },
      { name: `${prefix}_ADDR`, value: ip },
    );
  });
  return out;
}

export interface ResolvConfOptions {
  nameserver: string | readonly string[];   // the cluster DNS Service's IP(s)
  namespace: string;
  zone?: string;                            // default cluster.local
  hostSearches?: readonly string[];         // the node's own search domains, appended (ClusterFirst)
  ndots?: number;                           // default 5
}

// resolvConf is the /etc/resolv.conf of a ClusterFirst pod.
export function resolvConf(o: ResolvConfOptions): string {
  const zone = o.zone ?? 'cluster.local';
  const search = [`${o.namespace}.svc.${zone}`, `svc.${zone}`, zone, ...(o.hostSearches ?? [])];
  const servers = typeof o.nameserver === 'string' ? [o.nameserver] : [...o.nameserver];
  return [
    `search ${[...new Set(search)].join(' ')}`,
    ...servers.slice(0, 3).map((s) => `nameserver ${s}`),
    `options ndots:${o.ndots ?? 5}`,
    '',
  ].join('\n');
}
