// data-plane wires serve's two data-plane agents over the controllers' shared informers: the L4 service
// proxy (userspace or nftables backend) and the cluster DNS server. Both stop when the signal aborts, releasing every
// socket they had bound.
import type { Registry as PromRegistry } from 'prom-client';
import type { Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/index.ts';
import { createDnsServer, DnsMetrics, InformerLookup, SERVICE_NAME_LABEL, upstreamsFromResolvConf } from '../dns/index.ts';
import type { DnsServer, Upstream } from '../dns/index.ts';
import type { Informer } from '../informer/index.ts';
import { informerSource, ServiceProxy, UserspaceBackend } from '../proxy/index.ts';
import type { EventRecorder, L4Backend, ProxyLogger } from '../proxy/index.ts';
import { NftablesBackend } from '../proxy/backends/nftables/index.ts';
import { BindTolerantBackend } from './bind-tolerant-backend.ts';
import { ServiceEventRecorder } from './service-events.ts';

export interface DataPlaneDeps {
  source: Source;
  informers: ReadonlyMap<string, Informer<KubeObject>>;
  log: Logger;                  // serve's own
  logFor(component: string): Logger;
  metrics: PromRegistry;        // the API server's registry: /metrics shows the proxy and DNS series
  nodeName: string;
}

export type ProxyMode = 'userspace' | 'nftables';

interface BackendDeps { events: EventRecorder; metrics: PromRegistry; log: Logger }

// PROXY_BACKENDS makes the L4Backend of each --proxy-mode. nftables needs root and nft (the CLI checks
// with nftablesProblem first); its table is "portico", deleted when the proxy stops.
const PROXY_BACKENDS: ReadonlyMap<ProxyMode, (b: BackendDeps) => L4Backend> = new Map<ProxyMode, (b: BackendDeps) => L4Backend>([
  ['userspace', (b) => new UserspaceBackend({ events: b.events, registry: b.metrics, logger: quietBindFailures(b.log) })],
  ['nftables', (b) => new NftablesBackend({ events: b.events, logger: quietBindFailures(b.log) })],
]);

// startProxy runs the ServiceProxy until signal aborts; the returned promise of run() settles once its
// listeners are closed (userspace) or its table deleted (nftables).
export function startProxy(d: DataPlaneDeps, nodeIP: string, signal: AbortSignal, mode: ProxyMode = 'userspace'): Promise<void> {
  const log = d.logFor('proxy');
  const services = informer(d.informers, '/services');
  const events = new ServiceEventRecorder({
    source: d.source, services, component: 'portico-proxy', host: d.nodeName,
    onError: (err) => log.warn({ event: 'eventPostFailed', err }),
  });
  const make = PROXY_BACKENDS.get(mode);
  if (!make) throw new Error(`serve: unknown proxy mode ${mode}`);
  const backend = make({ events, metrics: d.metrics, log });
  const proxy = new ServiceProxy({
    source: informerSource({ services, endpointSlices: informer(d.informers, 'discovery.k8s.io/endpointslices') }),
    backend: new BindTolerantBackend({ inner: backend, logger: log }),
    node: { name: d.nodeName, addresses: [nodeIP] }, events, logger: log,
  });
  return proxy.run(signal);
}

export interface DnsSettings { host: string; port: number; zone: string; upstreams?: readonly Upstream[] }

// startDns binds the DNS server (UDP and TCP on one port) and resolves once it listens; it answers the
// zone from the informers once they synced (they have, when serve calls this).
export async function startDns(d: DataPlaneDeps, s: DnsSettings, signal: AbortSignal): Promise<DnsServer> {
  const log = d.logFor('dns');
  const upstreams = withoutSelf(s.upstreams ?? upstreamsFromResolvConf(), s);
  const lookup = new InformerLookup({ services: informer(d.informers, '/services'), slices: informer(d.informers, 'discovery.k8s.io/endpointslices'), signal });
  const server = await createDnsServer({
    lookup, host: s.host, port: s.port, zone: s.zone, upstreams, metrics: new DnsMetrics(d.metrics), signal,
    onError: (err) => log.warn({ event: 'dnsError', err }),
  });
  log.info({ event: 'dnsListening', host: server.address.host, port: server.address.port, zone: s.zone, upstreams });
  return server;
}

// withoutSelf drops an upstream that is this server itself (resolv.conf naming our own address would loop).
function withoutSelf(upstreams: readonly Upstream[], self: { host: string; port: number }): Upstream[] {
  const wildcard = self.host === '0.0.0.0' || self.host === '::';
  return upstreams.filter((u) => !(u.port === self.port && (u.host === self.host || wildcard)));
}

// whenMirrored resolves once the EndpointSlices mirrored from the Endpoints serve wrote itself (the
// selector-less kubernetes and kube-dns Services) are in the cache, or after timeoutMs. Starting the proxy
// after that keeps it from reporting a NoEndpoints Event for Services that have endpoints.
export async function whenMirrored(d: DataPlaneDeps, services: readonly { namespace: string; name: string }[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  const slices = informer(d.informers, 'discovery.k8s.io/endpointslices');
  const mirrored = () => services.every((s) => slices.list().some((o) => o.metadata?.namespace === s.namespace && o.metadata.labels?.[SERVICE_NAME_LABEL] === s.name));
  const deadline = Date.now() + timeoutMs;
  while (!mirrored() && Date.now() < deadline && !signal.aborted) await new Promise((r) => setTimeout(r, 20));
}

// quietBindFailures logs the backend's per-attempt listenFailed at debug: every sync retries a listener the
// host refuses, and BindTolerantBackend already warns once per change of the failing set (Events say which).
function quietBindFailures(log: Logger): ProxyLogger {
  return {
    info: (o, msg) => log.info(o, msg),
    warn: (o, msg) => (o['event'] === 'listenFailed' ? log.debug(o, msg) : log.warn(o, msg)),
  };
}

function informer(m: ReadonlyMap<string, Informer<KubeObject>>, id: string): Informer<KubeObject> {
  const i = m.get(id);
  if (!i) throw new Error(`serve: no shared informer for ${id}`);
  return i;
}
