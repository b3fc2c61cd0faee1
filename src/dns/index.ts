// The dns folder's public surface: the cluster DNS server, the lookup it reads, and the pod-side helpers.
export { createDnsServer } from './server.ts';
export type { DnsServer, DnsServerOptions } from './server.ts';
export type { DnsLookup } from './lookup.ts';
export { SERVICE_NAME_LABEL } from './lookup.ts';
export { InformerLookup, SLICES_BY_SERVICE } from './informer-lookup.ts';
export type { InformerLookupOptions } from './informer-lookup.ts';
export { FakeLookup } from './fake-lookup.ts';
export { DnsMetrics } from './metrics.ts';
export { chain } from './plugin.ts';
export type { DnsRequest, Handler, Plugin } from './plugin.ts';
export { kubernetesPlugin } from './plugins/kubernetes.ts';
export { cachePlugin } from './plugins/cache.ts';
export { Forwarder, upstreamsFromResolvConf } from './plugins/forward.ts';
export type { Upstream } from './plugins/forward.ts';
export { SCHEMA_VERSION } from './zone.ts';
export { serviceEnv, resolvConf, envVarName } from './pod-env.ts';
export type { ServiceEnvOptions, ResolvConfOptions } from './pod-env.ts';
