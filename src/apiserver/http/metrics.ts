// metrics are the API server's Prometheus series, named as kube-apiserver names them.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';

export interface ApiMetrics {
  registry: PromRegistry;
  requests: Counter<'verb' | 'resource' | 'code'>;
  duration: Histogram<'verb' | 'resource'>;
  inflight: Gauge<'request_kind'>;
}

// createApiMetrics registers the request series (and process metrics, once per registry) on reg.
export function createApiMetrics(reg?: PromRegistry): ApiMetrics {
  const registry = reg ?? new PromRegistry();
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: registry });
  const requests = (registry.getSingleMetric('apiserver_request_total') as Counter<'verb' | 'resource' | 'code'> | undefined) ?? new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, resource and HTTP response code.', labelNames: ['verb', 'resource', 'code'] as const, registers: [registry] });
  const duration = (registry.getSingleMetric('apiserver_request_duration_seconds') as Histogram<'verb' | 'resource'> | undefined) ?? new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Response latency distribution in seconds for each verb and resource.',
    labelNames: ['verb', 'resource'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
  });
  const inflight = (registry.getSingleMetric('apiserver_current_inflight_requests') as Gauge<'request_kind'> | undefined) ?? new Gauge({ name: 'apiserver_current_inflight_requests', help: 'Maximal number of currently used inflight request limit of this apiserver per request kind.', labelNames: ['request_kind'] as const, registers: [registry] });
  return { registry, requests, duration, inflight };
}
