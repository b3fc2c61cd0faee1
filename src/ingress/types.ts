// The compiled, immutable routing snapshot the data plane reads. The provider builds a whole new
// RouteTable on every change and the server swaps one reference; nothing here is mutated after compile
// except the balancers' own counters.
import type { SecureContext } from 'node:tls';
import type { Middleware, RouteAnnotations } from './contract.ts';
import type { Router } from './router/router.ts';
import type { Upstream } from './upstream/upstream.ts';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

// IngressRef names the Ingress a route came from (for Events and logs).
export interface IngressRef { namespace: string; name: string; uid: string }

// Route is what one Ingress path compiles to.
export interface Route {
  readonly id: string;                          // "ns/ingress host path pathType"
  readonly ingress: IngressRef;
  readonly host: string;                        // '' for the no-host rule
  readonly path: string;
  readonly upstream: Upstream | undefined;      // undefined: the backend Service is missing (503)
  readonly canary: Canary | undefined;
  readonly fallback: Upstream | undefined;      // the default-backend annotation: used when upstream has no endpoints
  readonly config: RouteAnnotations;
  readonly middlewares: readonly Middleware[];
  readonly httpChain: readonly Middleware[];   // middlewares that may act on plain-HTTP requests (actsOn)
  readonly httpsChain: readonly Middleware[];  // … and on HTTPS requests
  readonly hostHasTLS: boolean;
  readonly regex: RegExp | undefined;           // set when use-regex (or a regex path) applies
}

// Canary is the canary Ingress attached to a main route (same host and path).
export interface Canary {
  readonly upstream: Upstream | undefined;
  readonly config: RouteAnnotations;
  readonly byHeader: string | undefined;        // lower-case header name
  readonly byHeaderValue: string | undefined;
  readonly byCookie: string | undefined;
  readonly weight: number;                      // 0..100
}

// PassthroughTarget is where the TLS port pipes raw connections for a host with ssl-passthrough.
export interface PassthroughTarget { readonly host: string; readonly upstream: Upstream | undefined }

// L4Service is one tcp-services/udp-services entry.
export interface L4Service {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly upstream: Upstream | undefined;
  readonly proxyDecode: boolean;                // the 3rd field: PROXY protocol expected from clients
  readonly proxyEncode: boolean;                // the 4th field: send PROXY protocol to the backend
  readonly key: string;                         // "ns/name:port", for logs
}

export interface RouteTable {
  readonly router: Router;
  readonly certs: ReadonlyMap<string, SecureContext>;     // exact host or "*.suffix" → context
  readonly passthrough: ReadonlyMap<string, PassthroughTarget>;
  readonly tcp: readonly L4Service[];
  readonly udp: readonly L4Service[];
  readonly defaultRoute: Route | undefined;               // the controller's --default-backend, if any
  readonly generation: number;
}
