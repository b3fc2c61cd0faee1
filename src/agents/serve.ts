// serve wires the all-in-one Portico: store → registry → API server → bootstrap objects → controllers
// → cluster DNS (and the kube-dns Service) → node agent and registration → service proxy, then applies
// the -f manifests and writes the kubeconfig. Aborting the signal stops everything in reverse order;
// Running.done settles when it has.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Registry as PromRegistry } from 'prom-client';
import { createApiServer } from '../apiserver/index.ts';
import type { LogOptions, LogSource } from '../apiserver/index.ts';
import type { KubeObject } from '../api/types.ts';
import type { Informer } from '../informer/index.ts';
import { badRequest } from '../lib/errors.ts';
import type { Registry } from '../apiserver/registry/types.ts';
import { createRegistry } from '../apiserver/registry/index.ts';
import { EmbeddedSource } from '../client/index.ts';
import { startControllers } from '../controllers/index.ts';
import { NodeAgent } from '../node/index.ts';
import { openSqliteStore } from '../store/index.ts';
import { writeKubeconfig } from '../cli/kubeconfig.ts';
import type { Upstream } from '../dns/index.ts';
import { bootstrap, bootstrapKubeDns } from './bootstrap.ts';
import { startDns, startProxy, whenMirrored } from './data-plane.ts';
import type { DataPlaneDeps, ProxyMode } from './data-plane.ts';
import { startIngressController } from '../ingress/index.ts';
import { applyManifests } from './manifests.ts';
import { registerNode, runLeaseHeartbeat } from './node-registration.ts';

export interface ServeOptions {
  dataDir: string;
  apiHost: string;
  apiPort: number;              // 0 picks a free port
  serviceCIDR: string;
  nodePortRange: { base: number; size: number };
  clusterDomain: string;
  nodeIP: string;
  nodeName: string;
  podCIDR?: string;             // pod IPs for the node agent; default 127.244.0.0/16
  manifests: string[];          // -f paths applied after bootstrap
  logLevel: string;
  // dns is where the cluster DNS server listens (port 0 picks a free one); absent: no DNS (--disable-dns).
  // upstreams: where names outside the zone go; absent: /etc/resolv.conf's nameservers; []: nowhere.
  dns?: { host: string; port: number; upstreams?: readonly Upstream[] };
  // proxy is the service proxy's mode; absent: no proxy (--disable-proxy).
  proxy?: { mode: ProxyMode };
  // ingress is the Ingress controller's listeners (port 0 picks a free one); absent: none (--disable-ingress).
  ingress?: { httpAddr: string; httpsAddr: string; ingressClass: string; tcpServicesConfigMap?: string | undefined; udpServicesConfigMap?: string | undefined };
}

export interface Running {
  url: string;
  port: number;
  kubeconfig: string;
  dns?: { host: string; port: number };   // where the DNS server listens, when it runs
  ingress?: { httpPort: number; httpsPort: number };  // the Ingress controller's ports, when it runs
  done: Promise<void>;          // settles once everything stopped after the signal aborted
}

export const SERVE_DEFAULTS: ServeOptions = {
  dataDir: '.portico', apiHost: '127.0.0.1', apiPort: 6443, serviceCIDR: '127.96.0.0/12',
  nodePortRange: { base: 30000, size: 2768 }, clusterDomain: 'cluster.local', nodeIP: '127.0.0.1',
  nodeName: hostname().toLowerCase(), podCIDR: '127.244.0.0/16', manifests: [], logLevel: 'info',
  dns: { host: '127.0.0.1', port: 10053 }, proxy: { mode: 'userspace' },
  // The node address, not 0.0.0.0: a wildcard listener on 8080 would refuse every ClusterIP Service on 8080.
  ingress: { httpAddr: '127.0.0.1:8080', httpsAddr: '127.0.0.1:8443', ingressClass: 'portico' },
};

// ListenError says which address serve could not listen on, and which flag sets it.
export class ListenError extends Error {
  readonly code: string;
  readonly address: string;
  readonly flag: string;
  constructor(flag: string, address: string, code: string) {
    super(`cannot listen on ${address} (${flag}): ${code}`);
    this.code = code;
    this.address = address;
    this.flag = flag;
  }
}

// serve starts Portico and resolves once the API listens, the kubeconfig is written and the
// manifests are applied. A failed start closes what it had opened before rejecting.
export async function serve(opts: ServeOptions, signal: AbortSignal): Promise<Running> {
  // every line names its component once: the parts log through children of a root without one
  const root = pino({ level: opts.logLevel, base: null }, pino.destination(2));
  const log = root.child({ component: 'serve' });
  const stack: Closer[] = [];            // closed in reverse order: loops, then the API, then the store
  try {
    const running = await start(opts, root, log, stack);
    const done = new Promise<void>((resolve) => {
      const stop = () => void closeAll(log, stack).then(resolve);
      if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
    });
    return { ...running, done };
  } catch (e) {
    await closeAll(log, stack);
    throw e;
  }
}

type Closer = { name: string; close: () => Promise<unknown> };

async function start(opts: ServeOptions, root: Logger, log: Logger, stack: Closer[]): Promise<Omit<Running, 'done'>> {
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openSqliteStore({ path: join(opts.dataDir, 'portico.db') });
  stack.push({ name: 'store', close: () => store.close() });
  const registry = await createRegistry({ store, serviceCIDR: opts.serviceCIDR, nodePortRange: opts.nodePortRange, localNodeName: opts.nodeName });
  const apiLog = root.child({ component: 'apiserver' }, { level: opts.logLevel === 'debug' ? 'debug' : 'warn' });
  const logs = new LateLogSource();
  const metrics = new PromRegistry();
  const api = await createApiServer({ registry, host: opts.apiHost, port: opts.apiPort, logger: apiLog, logs, metrics });
  stack.push({ name: 'api', close: () => api.close() });
  const apiHost = opts.apiHost === '0.0.0.0' || opts.apiHost === '::' ? opts.nodeIP : opts.apiHost;
  await bootstrap(registry, { serviceCIDR: opts.serviceCIDR, apiHost, apiPort: api.port });
  const loops = new AbortController();
  const source = new EmbeddedSource(registry);
  const controllers = await startControllers({
    source, signal: loops.signal,
    onError: (err, where) => log.warn({ event: 'controllerError', where, err }),
  });
  stack.push({ name: 'controllers', close: () => { loops.abort(); return controllers.done; } });
  const plane: DataPlaneDeps = { source, informers: controllers.informers, log, logFor: (component) => root.child({ component }), metrics, nodeName: opts.nodeName };
  const ctx: DataPlaneContext = { opts, plane, registry, api: { host: apiHost, port: api.port }, loops, stack };
  const dns = opts.dns ? await startClusterDns(ctx, opts.dns) : undefined;
  const agent = new NodeAgent({
    source, nodeName: opts.nodeName, nodeIP: opts.nodeIP, podCIDR: opts.podCIDR ?? '127.244.0.0/16', dataDir: opts.dataDir,
    pods: inf(controllers.informers, '/pods'), services: inf(controllers.informers, '/services'),
    configMaps: inf(controllers.informers, '/configmaps'), secrets: inf(controllers.informers, '/secrets'),
    // Pods' resolv.conf names kube-dns's ClusterIP (the agent finds it), which only answers when both the
    // DNS server and the proxy run; otherwise pods keep the host's resolvers.
    clusterDomain: opts.clusterDomain, ...(opts.dns && opts.proxy ? {} : { clusterDNS: [] }),
    onError: (err, where) => log.warn({ event: 'nodeAgentError', where, err }),
  });
  logs.set(agent);
  const agentRun = agent.run(loops.signal);
  stack.push({ name: 'node-agent', close: () => { loops.abort(); return agentRun; } });
  const node = { nodeName: opts.nodeName, nodeIP: opts.nodeIP, onError: (e: unknown) => log.warn({ event: 'leaseRenewFailed', err: e }) };
  await registerNode(registry, node);
  const heartbeat = runLeaseHeartbeat(registry, node, loops.signal);
  stack.push({ name: 'heartbeat', close: () => { loops.abort(); return heartbeat; } });
  if (opts.proxy) await startServiceProxy(ctx, dns !== undefined);
  const ingress = opts.ingress ? await startIngress(ctx, opts.ingress) : undefined;
  await applyManifests(registry, opts.manifests, log);
  const kubeconfig = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, api.url);
  return { url: api.url, port: api.port, kubeconfig, ...(dns ? { dns } : {}), ...(ingress ? { ingress } : {}) };
}

interface DataPlaneContext {
  opts: ServeOptions;
  plane: DataPlaneDeps;
  registry: Registry;
  api: { host: string; port: number };
  loops: AbortController;        // aborting it stops every loop of serve
  stack: Closer[];
}

// startClusterDns starts the DNS server (early: a taken --dns-addr fails the start before the pods run)
// and points the kube-dns Service at it; it returns where the server listens.
async function startClusterDns(c: DataPlaneContext, d: NonNullable<ServeOptions['dns']>): Promise<{ host: string; port: number }> {
  const dns = await listenDns(c.plane, c.opts, d, c.loops.signal, c.stack);
  const dnsHost = dns.host === '0.0.0.0' || dns.host === '::' ? c.opts.nodeIP : dns.host;
  await bootstrapKubeDns(c.registry, { serviceCIDR: c.opts.serviceCIDR, dnsHost, dnsPort: dns.port, metricsHost: c.api.host, metricsPort: c.api.port })
    .catch((err: unknown) => c.plane.log.warn({ event: 'kubeDnsServiceFailed', err }));
  return dns;
}

// startServiceProxy starts the proxy once the Endpoints serve wrote itself are mirrored to EndpointSlices
// (so it reports no false NoEndpoints Event for kubernetes and kube-dns).
async function startServiceProxy(c: DataPlaneContext, withKubeDns: boolean): Promise<void> {
  const own = [{ namespace: 'default', name: 'kubernetes' }, ...(withKubeDns ? [{ namespace: 'kube-system', name: 'kube-dns' }] : [])];
  await whenMirrored(c.plane, own, 2_000, c.loops.signal);
  const proxyRun = startProxy(c.plane, c.opts.nodeIP, c.loops.signal, c.opts.proxy?.mode).catch((err: unknown) => c.plane.log.error({ event: 'proxyStopped', err }));
  c.stack.push({ name: 'proxy', close: () => { c.loops.abort(); return proxyRun; } });
}

// startIngress runs the Ingress controller on the shared informers; a bind failure names its flag.
async function startIngress(c: DataPlaneContext, o: NonNullable<ServeOptions['ingress']>): Promise<{ httpPort: number; httpsPort: number }> {
  let ing;
  try {
    ing = await startIngressController({
      source: c.plane.source, informers: c.plane.informers, httpAddr: o.httpAddr, httpsAddr: o.httpsAddr,
      ingressClass: o.ingressClass, tcpServicesConfigMap: o.tcpServicesConfigMap, udpServicesConfigMap: o.udpServicesConfigMap,
      nodeIP: c.opts.nodeIP, signal: c.loops.signal, logger: c.plane.logFor('ingress'), dataDir: c.opts.dataDir,
    });
  } catch (e) {
    const err = e as { code?: string; address?: string; port?: number };
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      const which = err.port !== undefined && o.httpsAddr.endsWith(`:${err.port}`) ? ['--https-addr', o.httpsAddr] : ['--http-addr', o.httpAddr];
      throw new ListenError(which[0] ?? '--http-addr', which[1] ?? o.httpAddr, err.code);
    }
    throw e;
  }
  const run = ing;
  c.stack.push({ name: 'ingress', close: () => { c.loops.abort(); return run.done; } });
  return { httpPort: run.httpPort, httpsPort: run.httpsPort };
}

// listenDns starts the DNS server; a bind failure becomes a ListenError naming --dns-addr.
async function listenDns(plane: DataPlaneDeps, opts: ServeOptions, d: NonNullable<ServeOptions['dns']>, signal: AbortSignal, stack: Closer[]): Promise<{ host: string; port: number }> {
  try {
    const server = await startDns(plane, { ...d, zone: opts.clusterDomain }, signal);
    stack.push({ name: 'dns', close: () => server.close() });
    return server.address;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new ListenError('--dns-addr', hostPort(d.host, d.port), code);
    throw e;
  }
}

function hostPort(host: string, port: number): string { return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`; }

// closeAll closes the stack from the top; a failing part is logged and the rest still close.
async function closeAll(log: Logger, stack: Closer[]): Promise<void> {
  log.info({ event: 'stopping' });
  for (const c of stack.splice(0).reverse()) {
    try { await c.close(); } catch (e) { log.warn({ event: 'stopFailed', part: c.name, err: e }); }
  }
  log.info({ event: 'stopped' });
}

function inf(m: ReadonlyMap<string, Informer<KubeObject>>, id: string): Informer<KubeObject> {
  const i = m.get(id);
  if (!i) throw new Error(`serve: no shared informer for ${id}`);
  return i;
}

// LateLogSource lets the API server start before the node agent exists (it needs synced informers).
class LateLogSource implements LogSource {
  #agent: LogSource | undefined;
  set(a: LogSource): void { this.#agent = a; }
  podLogs(namespace: string, name: string, o: LogOptions, signal: AbortSignal): Promise<AsyncIterable<string>> {
    if (!this.#agent) return Promise.reject(badRequest('the node agent is starting'));
    return this.#agent.podLogs(namespace, name, o, signal);
  }
}
