// MIDDLEWARES is the registry: every middleware factory, in the order a request meets them. The order
// follows ingress-nginx's phases, access checks first: the allowlist (403), the limits (503; ingress-nginx
// applies limit-connections, then limit-rpm, then limit-rps), the redirects (app-root, permanent, temporal,
// ssl-redirect), CORS (may answer a preflight), then what only changes the request or response: rewrite,
// custom headers, HSTS. (nginx runs return-based redirects in its rewrite phase, before access checks;
// Portico checks access first so a denied client learns nothing from redirects.)
import type { Middleware, MiddlewareDeps, RouteAnnotations } from '../contract.ts';
import { AllowlistMiddleware } from './allowlist.ts';
import { AppRootMiddleware } from './app-root.ts';
import { ConnectionLimitMiddleware } from './connection-limit.ts';
import { CorsMiddleware } from './cors.ts';
import { CustomHeadersMiddleware } from './custom-headers.ts';
import { HstsMiddleware } from './hsts.ts';
import { RateLimitMiddleware } from './rate-limit.ts';
import { RedirectMiddleware } from './redirect.ts';
import { RewriteMiddleware } from './rewrite.ts';
import { SslRedirectMiddleware } from './ssl-redirect.ts';

// MiddlewareFactory makes a route's middleware when its annotations ask for it; create returns undefined
// when the configuration turns out to need nothing.
export interface MiddlewareFactory {
  readonly name: string;
  create(c: RouteAnnotations, deps: MiddlewareDeps): Middleware | undefined;
}

export const DEFAULT_BURST_MULTIPLIER = 5;

function burst(c: RouteAnnotations, limit: number): number {
  return limit * (c.limitBurstMultiplier ?? DEFAULT_BURST_MULTIPLIER);
}

export const MIDDLEWARES: readonly MiddlewareFactory[] = [
  {
    name: 'whitelist-source-range',
    create: (c) => (c.whitelistSourceRange.length > 0 ? new AllowlistMiddleware(c.whitelistSourceRange) : undefined),
  },
  {
    name: 'limit-connections',
    create: (c) => (c.limitConnections ? new ConnectionLimitMiddleware(c.limitConnections, c.limitWhitelist) : undefined),
  },
  {
    name: 'limit-rpm',
    create: (c, deps) => (c.limitRpm
      ? new RateLimitMiddleware({ name: 'limit-rpm', perSecond: c.limitRpm / 60, burst: burst(c, c.limitRpm), exempt: c.limitWhitelist }, deps)
      : undefined),
  },
  {
    name: 'limit-rps',
    create: (c, deps) => (c.limitRps
      ? new RateLimitMiddleware({ name: 'limit-rps', perSecond: c.limitRps, burst: burst(c, c.limitRps), exempt: c.limitWhitelist }, deps)
      : undefined),
  },
  { name: 'app-root', create: (c) => (c.appRoot !== undefined ? new AppRootMiddleware(c.appRoot) : undefined) },
  {
    name: 'permanent-redirect',
    create: (c) => (c.permanentRedirect ? new RedirectMiddleware({ name: 'permanent-redirect', ...c.permanentRedirect }) : undefined),
  },
  {
    name: 'temporal-redirect',
    create: (c) => (c.temporalRedirect ? new RedirectMiddleware({ name: 'temporal-redirect', ...c.temporalRedirect }) : undefined),
  },
  {
    name: 'ssl-redirect',
    create: (c, deps) => {
      const sslRedirect = c.sslRedirect ?? true;
      // ssl-passthrough hosts are not terminated here, so their plain-HTTP side is left alone.
      if ((!sslRedirect && !c.forceSslRedirect) || c.sslPassthrough) return undefined;
      return new SslRedirectMiddleware({ sslRedirect, force: c.forceSslRedirect, httpsPort: deps.httpsPort ?? 443 });
    },
  },
  { name: 'enable-cors', create: (c) => (c.cors ? new CorsMiddleware(c.cors) : undefined) },
  { name: 'rewrite-target', create: (c) => (c.rewriteTarget !== undefined ? new RewriteMiddleware(c.rewriteTarget) : undefined) },
  {
    name: 'custom-headers',
    create: (c) => (c.customHeaders && Object.keys(c.customHeaders).length > 0 ? new CustomHeadersMiddleware(c.customHeaders) : undefined),
  },
  { name: 'hsts', create: (c) => (c.hsts.enabled ? new HstsMiddleware(c.hsts) : undefined) },
];
