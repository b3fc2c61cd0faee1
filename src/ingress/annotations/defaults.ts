// defaultRouteAnnotations is what a route gets with no annotations: ingress-nginx's ConfigMap defaults
// (proxy-body-size 1m, proxy-connect-timeout 5 s, read/send 60 s, proxy-next-upstream "error timeout"
// with 3 tries, HSTS on with max-age one year and includeSubDomains).
import type { RouteAnnotations } from '../contract.ts';

export const DEFAULT_PROXY_BODY_SIZE = 1024 * 1024;
export const DEFAULT_SESSION_COOKIE_NAME = 'route';   // seed 003: "the default value is creating a cookie named route"
export const DEFAULT_CORS = {
  allowOrigin: '*',
  allowMethods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  allowHeaders: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  allowCredentials: true,
  maxAge: 1728000,   // ingress-nginx's cors-max-age default: 20 days
} as const;

export function defaultRouteAnnotations(): RouteAnnotations {
  return {
    useRegex: false,
    forceSslRedirect: false,
    sslPassthrough: false,
    backendProtocol: 'HTTP',
    serviceUpstream: false,
    limitWhitelist: [],
    whitelistSourceRange: [],
    proxyBodySize: DEFAULT_PROXY_BODY_SIZE,
    connectTimeoutMs: 5_000,
    readTimeoutMs: 60_000,
    sendTimeoutMs: 60_000,
    nextUpstream: { tries: 3, on: ['error', 'timeout'] },
    loadBalance: 'round_robin',
    hsts: { enabled: true, maxAge: 31_536_000, includeSubdomains: true, preload: false },
  };
}
