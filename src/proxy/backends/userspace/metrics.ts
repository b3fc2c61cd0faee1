// ProxyMetrics are the userspace proxy's Prometheus metrics, per Service port and endpoint. Hot paths bump
// plain numbers in an EndpointStats; prom-client reads them in collect() at scrape time.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ListenerPlan } from '../../plan/types.ts';

const LABELS = ['namespace', 'service', 'port', 'protocol', 'endpoint'] as const;
type Label = typeof LABELS[number];

// Cell is a plain number the hot path bumps; prom-client reads the cells only when scraped.
export class Cell {
  v = 0;
  inc(n = 1): void { this.v += n; }
  dec(n = 1): void { this.v -= n; }
}

export interface EndpointStats {
  readonly connections: Cell;
  readonly active: Cell;
  readonly bytesToEndpoint: Cell;
  readonly bytesFromEndpoint: Cell;
  readonly connectErrors: Cell;
  readonly selections: Cell;
}

type StatName = keyof EndpointStats;
interface Entry { labels: Record<Label, string>; stats: EndpointStats }

export class ProxyMetrics {
  readonly #entries = new Map<string, Entry>();
  readonly #rejected = new Map<string, { labels: Record<Exclude<Label, 'endpoint'>, string>; cell: Cell }>();

  // constructor registers the metrics in registers (none: metrics are kept but not exported).
  constructor(registers: Registry[]) {
    const counter = (name: string, help: string, stat: StatName) => this.#counter(name, help, registers, stat);
    counter('portico_proxy_connections_total', 'TCP connections and UDP flows opened to an endpoint', 'connections');
    counter('portico_proxy_connect_errors_total', 'Failed connections to an endpoint (each is retried on another endpoint)', 'connectErrors');
    counter('portico_proxy_endpoint_selections_total', 'Times the balancer chose an endpoint', 'selections');
    const entries = this.#entries;
    new Gauge({ name: 'portico_proxy_active_flows', help: 'Open TCP connections and UDP flows per endpoint', labelNames: LABELS, registers,
      collect() { this.reset(); for (const e of entries.values()) this.set(e.labels, e.stats.active.v); } });
    new Counter({ name: 'portico_proxy_bytes_total', help: 'Bytes proxied, by direction (to_endpoint, from_endpoint; TCP counted when a connection closes)', labelNames: [...LABELS, 'direction'], registers,
      collect() {
        this.reset();
        for (const e of entries.values()) {
          this.inc({ ...e.labels, direction: 'to_endpoint' }, e.stats.bytesToEndpoint.v);
          this.inc({ ...e.labels, direction: 'from_endpoint' }, e.stats.bytesFromEndpoint.v);
        }
      } });
    const rejected = this.#rejected;
    new Counter({ name: 'portico_proxy_rejected_total', help: 'Connections or datagrams rejected because no endpoint was usable', labelNames: ['namespace', 'service', 'port', 'protocol'], registers,
      collect() { this.reset(); for (const r of rejected.values()) this.inc(r.labels, r.cell.v); } });
  }

  // endpoint returns the stats of one endpoint of the Service port a listener serves.
  endpoint(l: ListenerPlan, endpoint: string): EndpointStats {
    const id = `${l.portName}|${endpoint}`;
    const e = this.#entries.get(id);
    if (e) return e.stats;
    const stats: EndpointStats = {
      connections: new Cell(), active: new Cell(), bytesToEndpoint: new Cell(), bytesFromEndpoint: new Cell(), connectErrors: new Cell(), selections: new Cell(),
    };
    this.#entries.set(id, { labels: { ...this.#portLabels(l), endpoint }, stats });
    return stats;
  }

  // rejected counts a connection or datagram dropped for want of an endpoint.
  rejected(l: ListenerPlan): void {
    let r = this.#rejected.get(l.portName);
    if (!r) this.#rejected.set(l.portName, r = { labels: this.#portLabels(l), cell: new Cell() });
    r.cell.inc();
  }

  #counter(name: string, help: string, registers: Registry[], stat: StatName): void {
    const entries = this.#entries;
    new Counter({ name, help, labelNames: LABELS, registers, collect() { this.reset(); for (const e of entries.values()) this.inc(e.labels, e.stats[stat].v); } });
  }

  #portLabels(l: ListenerPlan): Record<Exclude<Label, 'endpoint'>, string> {
    const port = l.servicePort.name || String(l.servicePort.port);
    return { namespace: l.service.namespace, service: l.service.name, port, protocol: l.protocol };
  }
}
