// The contract between the ingress core (provider, router, server, upstream) and the annotation
// families (annotations/ parses, middlewares/ acts). Both sides import only this file from each other
// plus each folder's index.ts:
//   annotations/index.ts  export function parseAnnotations(raw, lookups): ParsedAnnotations
//   middlewares/index.ts  export function buildMiddlewares(config: RouteAnnotations, deps: MiddlewareDeps): Middleware[]
// A request runs the route's middlewares in order; each returns CONTINUE or DONE (it answered).
import type { IncomingHttpHeaders } from 'node:http';

export type BackendProtocol = 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS' | 'AUTO_HTTP';
export type HashKind = 'md5' | 'sha1' | 'index';

// RouteAnnotations is every annotation family, parsed once with ingress-nginx's defaults applied.
export interface RouteAnnotations {
  rewriteTarget?: string;            // may hold $1..$9 capture references (use-regex)
  useRegex: boolean;
  appRoot?: string;
  sslRedirect?: boolean;             // undefined: the default (on when the host has TLS)
  forceSslRedirect: boolean;
  sslPassthrough: boolean;
  backendProtocol: BackendProtocol;  // secure-backends: "true" means HTTPS
  serviceUpstream: boolean;
  affinity?: { cookieName: string; path?: string; maxAge?: number; expires?: number; hash: HashKind };
  limitRps?: number;                 // burst = 5× the rate, per client IP, 503 when over
  limitRpm?: number;
  limitBurstMultiplier?: number;     // limit-burst-multiplier; undefined = 5
  limitConnections?: number;
  limitWhitelist: string[];          // CIDRs exempt from the limits
  whitelistSourceRange: string[];    // CIDRs allowed; empty = all; else 403
  cors?: { allowOrigin: string; allowMethods: string; allowHeaders: string; allowCredentials: boolean; maxAge: number; exposeHeaders?: string };
  canary?: { byHeader?: string; byHeaderValue?: string; byCookie?: string; weight: number };
  customHeaders?: Record<string, string>;   // response headers, from the ConfigMap named in custom-headers
  proxyBodySize?: number;            // bytes; 0 = unlimited; default 1m as ingress-nginx
  connectTimeoutMs: number;          // proxy-connect-timeout, default 5 s
  readTimeoutMs: number;             // proxy-read-timeout, default 60 s
  sendTimeoutMs: number;             // proxy-send-timeout, default 60 s
  nextUpstream: { tries: number; on: string[] };  // proxy-next-upstream, default "error timeout", 3 tries
  upstreamHashBy?: string;           // nginx variable expression, e.g. "$request_uri", "$remote_addr"
  loadBalance: 'round_robin' | 'ewma';
  defaultBackend?: string;           // a Service name in the Ingress's namespace
  permanentRedirect?: { url: string; code: number };   // default code 301
  temporalRedirect?: { url: string; code: number };    // default code 302
  hsts: { enabled: boolean; maxAge: number; includeSubdomains: boolean; preload: boolean };
}

export interface AnnotationError { annotation: string; value: string; message: string }
export interface ParsedAnnotations { config: RouteAnnotations; errors: AnnotationError[] }

// Lookups the parser may need (custom-headers names a ConfigMap "ns/name" or "name").
export interface AnnotationLookups {
  namespace: string;
  configMap(namespace: string, name: string): Record<string, string> | undefined;
}

// RequestContext is what a middleware sees; the core fills it before the route's middlewares run.
// Middlewares mutate upstreamPath, upstreamHeaders and responseHeaders instead of touching the socket
// unless they answer the request themselves (then they write `respond` and return DONE).
export interface RequestContext {
  method: string;
  scheme: 'http' | 'https';
  host: string;                      // lower-case, without the port
  path: string;                      // decoded? no: the raw path, without the query
  query: string;                     // '' or '?a=b'
  headers: IncomingHttpHeaders;
  clientIP: string;
  hostHasTLS: boolean;
  match: RegExpExecArray | null;     // the route's regular-expression match when use-regex is on
  upstreamPath: string;              // starts as path + query; rewrite-target changes it
  upstreamHeaders: Record<string, string>;   // added to the upstream request
  responseHeaders: Record<string, string>;   // added to the response (also on middleware answers)
  respond?: { status: number; headers?: Record<string, string>; body?: string };
  onDone: Array<() => void>;         // run once when the request/connection finishes (limit-connections)
}

export const CONTINUE = 0;
export const DONE = 1;
export type Verdict = typeof CONTINUE | typeof DONE;

export interface Middleware {
  readonly name: string;
  handle(ctx: RequestContext): Verdict;
  // actsOn is false when the middleware can never act on requests of this scheme to a host with (or
  // without) TLS; the core then leaves it out of that scheme's chain, so routes whose chain ends up
  // empty skip the RequestContext. Absent means "may act".
  actsOn?(scheme: 'http' | 'https', hostHasTLS: boolean): boolean;
}

export interface MiddlewareDeps {
  now(): number;                     // ms clock (tests may fake it)
  httpsPort?: number;                // the HTTPS listener's port, for ssl-redirect Locations; default 443
}
