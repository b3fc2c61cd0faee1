// Upstream is one Service port's endpoints as of a snapshot, with its balancer state. Endpoint
// objects (and their EndpointStats) are shared across snapshots, so pooled connections, EWMA scores
// and in-flight counts survive a RouteTable swap.
import { createHash } from 'node:crypto';
import type { BackendProtocol } from '../contract.ts';

// EndpointStats is per-address state that outlives snapshots.
export class EndpointStats {
  ewmaMs = 0;           // smoothed response time; 0 = no sample yet
  lastSample = 0;       // ms timestamp of the last sample (decay)
  inflight = 0;
  failedUntil = 0;      // ms timestamp: a connect failure parks the endpoint briefly
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly key: string;             // "address:port" ("[v6]:port")
  readonly stats: EndpointStats;
}

export class Upstream {
  readonly key: string;             // "ns/service:port"
  readonly endpoints: readonly Endpoint[];
  readonly protocol: BackendProtocol;
  readonly serverName: string;      // SNI / Host for HTTPS backends
  rr = 0;                           // round-robin cursor (the only mutable field)
  #hashes: Map<string, Map<string, Endpoint>> | undefined;

  constructor(o: { key: string; endpoints: readonly Endpoint[]; protocol: BackendProtocol; serverName?: string }) {
    this.key = o.key;
    this.endpoints = o.endpoints;
    this.protocol = o.protocol;
    this.serverName = o.serverName ?? '';
  }

  // byCookie finds the endpoint a session-affinity cookie value names, for a hash kind.
  byCookie(kind: 'md5' | 'sha1' | 'index', value: string): Endpoint | undefined {
    this.#hashes ??= new Map();
    let m = this.#hashes.get(kind);
    if (!m) {
      m = new Map();
      for (let i = 0; i < this.endpoints.length; i++) {
        const e = this.endpoints[i] as Endpoint;
        m.set(cookieValue(kind, e, i), e);
      }
      this.#hashes.set(kind, m);
    }
    return m.get(value);
  }

  cookieFor(kind: 'md5' | 'sha1' | 'index', e: Endpoint): string {
    return cookieValue(kind, e, this.endpoints.indexOf(e));
  }
}

// cookieValue is the affinity cookie naming an endpoint: a hash of its address, or its index (the seeds' three kinds).
function cookieValue(kind: 'md5' | 'sha1' | 'index', e: Endpoint, index: number): string {
  if (kind === 'index') return String(index);
  return createHash(kind).update(e.key).digest('hex');
}

// EndpointRegistry hands out one Endpoint per address:port across snapshots.
export class EndpointRegistry {
  readonly #byKey = new Map<string, Endpoint>();

  get(address: string, port: number): Endpoint {
    const key = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    let e = this.#byKey.get(key);
    if (!e) { e = { address, port, key, stats: new EndpointStats() }; this.#byKey.set(key, e); }
    return e;
  }

  // retain drops endpoints that no snapshot refers to any more.
  retain(live: ReadonlySet<string>): void {
    for (const k of this.#byKey.keys()) if (!live.has(k)) this.#byKey.delete(k);
  }
}
