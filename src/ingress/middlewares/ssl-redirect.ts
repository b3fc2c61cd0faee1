// SslRedirectMiddleware sends plain-HTTP requests to HTTPS with 308 (method and body kept): for hosts with
// TLS unless ssl-redirect is "false", and for every host with force-ssl-redirect. ACME HTTP-01 challenges
// stay on HTTP, as in ingress-nginx, so certificates can still be issued.
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';
import { redirectTo } from './responses.ts';

const ACME = '/.well-known/acme-challenge/';

export class SslRedirectMiddleware implements Middleware {
  readonly name = 'ssl-redirect';
  private readonly onTLSHosts: boolean;
  private readonly force: boolean;
  private readonly portSuffix: string;

  constructor(o: { sslRedirect: boolean; force: boolean; httpsPort: number }) {
    this.onTLSHosts = o.sslRedirect;
    this.force = o.force;
    this.portSuffix = o.httpsPort === 443 ? '' : `:${o.httpsPort}`;
  }

  actsOn(scheme: 'http' | 'https', hostHasTLS: boolean): boolean {
    return scheme === 'http' && (this.force || (this.onTLSHosts && hostHasTLS));
  }

  handle(ctx: RequestContext): Verdict {
    if (ctx.scheme !== 'http') return CONTINUE;
    if (!this.force && !(this.onTLSHosts && ctx.hostHasTLS)) return CONTINUE;
    if (ctx.path.startsWith(ACME)) return CONTINUE;
    const host = ctx.host.includes(':') && !ctx.host.startsWith('[') ? `[${ctx.host}]` : ctx.host;
    redirectTo(ctx, 308, `https://${host}${this.portSuffix}${ctx.path}${ctx.query}`);
    return DONE;
  }
}
