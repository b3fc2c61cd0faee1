// DnsMetrics counts queries by type, responses by rcode, latency and cache hits in plain arrays on the
// data path, and exposes them to Prometheus through collect() callbacks (prom-client reads them only
// when scraped, so a query costs a few array increments).
import { Counter, Histogram, Registry } from 'prom-client';
import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client';
import { typeName } from './records.ts';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class DnsMetrics {
  readonly registry: Registry;
  readonly #byType = new Float64Array(65536);
  readonly #byRcode = new Float64Array(32);
  #cacheHits = 0;
  #cacheMisses = 0;
  readonly #latency: ArrayHistogram;

  // DnsMetrics registers its metrics (prefix portico_dns_) in registry (a new one when omitted).
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const self = this;
    new Counter({
      name: 'portico_dns_requests_total', help: 'DNS queries received, by query type.', labelNames: ['type'], registers: [registry],
      collect() { this.reset(); self.#byType.forEach((v, t) => { if (v) this.inc({ type: typeName(t) }, v); }); },
    });
    new Counter({
      name: 'portico_dns_responses_total', help: 'DNS responses sent, by rcode.', labelNames: ['rcode'], registers: [registry],
      collect() { this.reset(); self.#byRcode.forEach((v, r) => { if (v) this.inc({ rcode: RCODE_NAMES[r] ?? `RCODE${r}` }, v); }); },
    });
    new Counter({
      name: 'portico_dns_cache_hits_total', help: 'Forwarded answers served from the cache.', registers: [registry],
      collect() { this.reset(); if (self.#cacheHits) this.inc(self.#cacheHits); },
    });
    new Counter({
      name: 'portico_dns_cache_misses_total', help: 'Forwarded queries not found in the cache.', registers: [registry],
      collect() { this.reset(); if (self.#cacheMisses) this.inc(self.#cacheMisses); },
    });
    this.#latency = new ArrayHistogram({
      name: 'portico_dns_request_duration_seconds', help: 'Time from receiving a query to sending its response.',
      buckets: BUCKETS, registers: [registry],
    });
  }

  query(qtype: number): void { const i = qtype & 0xffff; this.#byType[i] = (this.#byType[i] ?? 0) + 1; }
  response(rcode: number): void { const i = rcode & 31; this.#byRcode[i] = (this.#byRcode[i] ?? 0) + 1; }
  latency(seconds: number): void { this.#latency.record(seconds); }
  cacheHit(): void { this.#cacheHits++; }
  cacheMiss(): void { this.#cacheMisses++; }
}

// ArrayHistogram is a prom-client Histogram whose observations are two array writes (prom-client's own
// observe costs ~0.5 µs, a third of a query); get() renders the same exposition from the arrays.
class ArrayHistogram extends Histogram {
  readonly #bounds: number[];
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;
  readonly #name: string;
  readonly #help: string;

  constructor(o: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    super(o);
    this.#name = o.name;
    this.#help = o.help;
    this.#bounds = [...o.buckets];
    this.#counts = new Float64Array(o.buckets.length + 1);
  }

  record(v: number): void {
    let i = 0;
    while (i < this.#bounds.length && v > (this.#bounds[i] ?? Infinity)) i++;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#sum += v;
    this.#count++;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.getForPromString();
  }

  // getForPromString is what Registry.metrics() reads (prom-client prefers it over get()).
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    let acc = 0;
    this.#bounds.forEach((le, i) => {
      acc += this.#counts[i] ?? 0;
      values.push({ metricName: `${this.#name}_bucket`, labels: { le }, value: acc });
    });
    values.push({ metricName: `${this.#name}_bucket`, labels: { le: '+Inf' }, value: this.#count });
    values.push({ metricName: `${this.#name}_sum`, labels: {}, value: this.#sum });
    values.push({ metricName: `${this.#name}_count`, labels: {}, value: this.#count });
    const obj = { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum', collect: () => {} };
    return obj as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
  }
}
