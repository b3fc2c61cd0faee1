// ProxyMetrics are the userspace proxy's Prometheus metrics, per Service port and endpoint. Hot paths hold
// an EndpointStats (prom-client children resolved once), never look labels up per packet.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ListenerPlan } from '../../plan/types.ts';

const LABELS = ['namespace', 'service', 'port', 'protocol', 'endpoint'] as const;
type Label = typeof LABELS[number];

export interface EndpointStats {
  readonly connections: Counter.Internal;
  readonly active: Gauge.Internal<Label>;
  readonly bytesToEndpoint: Counter.Internal;
  readonly bytesFromEndpoint: Counter.Internal;
  readonly connectErrors: Counter.Internal;
  readonly selections: Counter.Internal;
}

export class ProxyMetrics {
  readonly #connections: Counter<Label>;
  readonly #active: Gauge<Label>;
  readonly #bytes: Counter<Label | 'direction'>;
  readonly #connectErrors: Counter<Label>;
  readonly #selections: Counter<Label>;
  readonly #rejected: Counter<Exclude<Label, 'endpoint'>>;
  readonly #cache = new Map<string, EndpointStats>();

  // constructor registers the metrics in registers (none: metrics are kept but not exported).
  constructor(registers: Registry[]) {
    const labelNames = LABELS;
    this.#connections = new Counter({ name: 'portico_proxy_connections_total', help: 'TCP connections and UDP flows opened to an endpoint', labelNames, registers });
    this.#active = new Gauge({ name: 'portico_proxy_active_flows', help: 'Open TCP connections and UDP flows per endpoint', labelNames, registers });
    this.#bytes = new Counter({ name: 'portico_proxy_bytes_total', help: 'Bytes proxied, by direction (to_endpoint, from_endpoint)', labelNames: [...LABELS, 'direction'], registers });
    this.#connectErrors = new Counter({ name: 'portico_proxy_connect_errors_total', help: 'Failed connections to an endpoint (each is retried on another endpoint)', labelNames, registers });
    this.#selections = new Counter({ name: 'portico_proxy_endpoint_selections_total', help: 'Times the balancer chose an endpoint', labelNames, registers });
    this.#rejected = new Counter({ name: 'portico_proxy_rejected_total', help: 'Connections or datagrams rejected because no endpoint was usable', labelNames: ['namespace', 'service', 'port', 'protocol'], registers });
  }

  // endpoint returns the stats of one endpoint of the Service port a listener serves.
  endpoint(l: ListenerPlan, endpoint: string): EndpointStats {
    const id = `${l.portName}|${endpoint}`;
    let s = this.#cache.get(id);
    if (s) return s;
    const labels = { ...this.#portLabels(l), endpoint };
    s = {
      connections: this.#connections.labels(labels),
      active: this.#active.labels(labels),
      bytesToEndpoint: this.#bytes.labels({ ...labels, direction: 'to_endpoint' }),
      bytesFromEndpoint: this.#bytes.labels({ ...labels, direction: 'from_endpoint' }),
      connectErrors: this.#connectErrors.labels(labels),
      selections: this.#selections.labels(labels),
    };
    this.#cache.set(id, s);
    return s;
  }

  // rejected counts a connection or datagram dropped for want of an endpoint.
  rejected(l: ListenerPlan): void { this.#rejected.inc(this.#portLabels(l)); }

  #portLabels(l: ListenerPlan): Record<Exclude<Label, 'endpoint'>, string> {
    const port = l.servicePort.name || String(l.servicePort.port);
    return { namespace: l.service.namespace, service: l.service.name, port, protocol: l.protocol };
  }
}
