// HstsMiddleware adds Strict-Transport-Security to HTTPS responses of hosts with a TLS certificate of their
// own (never over plain HTTP, where browsers ignore it, nor under the self-signed default certificate, which
// would pin browsers to a certificate they cannot trust), with ingress-nginx's defaults: max-age one year,
// includeSubDomains.
import type { Middleware, RequestContext, RouteAnnotations, Verdict } from '../contract.ts';
import { CONTINUE } from '../contract.ts';

export function hstsValue(h: RouteAnnotations['hsts']): string {
  return `max-age=${h.maxAge}${h.includeSubdomains ? '; includeSubDomains' : ''}${h.preload ? '; preload' : ''}`;
}

export class HstsMiddleware implements Middleware {
  readonly name = 'hsts';
  private readonly value: string;

  constructor(h: RouteAnnotations['hsts']) {
    this.value = hstsValue(h);
  }

  actsOn(scheme: 'http' | 'https', hostHasTLS: boolean): boolean {
    return scheme === 'https' && hostHasTLS;
  }

  handle(ctx: RequestContext): Verdict {
    if (ctx.scheme === 'https' && ctx.hostHasTLS) ctx.responseHeaders['strict-transport-security'] = this.value;
    return CONTINUE;
  }
}
