// Pools holds the keep-alive connections to backends: one http.Agent and one https.Agent (each pools
// per address:port), and one HTTP/2 session per gRPC endpoint. Pools outlive RouteTable snapshots, so
// a configuration change never closes a connection that a request is using.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect as h2connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import type { Endpoint } from './upstream.ts';

export class Pools {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512, scheduling: 'lifo', keepAliveMsecs: 30_000 });
  // https backends are not verified, as ingress-nginx does not verify them unless told to.
  readonly https = new HttpsAgent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512, scheduling: 'lifo', rejectUnauthorized: false });
  readonly #h2 = new Map<string, ClientHttp2Session>();

  // h2 returns a live HTTP/2 session to an endpoint (cleartext for GRPC, TLS for GRPCS).
  h2(e: Endpoint, tls: boolean): ClientHttp2Session {
    const key = (tls ? 's:' : 'c:') + e.key;
    const had = this.#h2.get(key);
    if (had && !had.closed && !had.destroyed) return had;
    const url = `${tls ? 'https' : 'http'}://${e.key}`;
    const s = h2connect(url, tls ? { rejectUnauthorized: false } : {});
    const drop = () => { if (this.#h2.get(key) === s) this.#h2.delete(key); };
    s.on('error', drop);
    s.on('close', drop);
    s.on('goaway', drop);
    s.setTimeout(120_000, () => s.close());
    s.unref();
    this.#h2.set(key, s);
    return s;
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
    for (const s of this.#h2.values()) s.destroy();
    this.#h2.clear();
  }
}
