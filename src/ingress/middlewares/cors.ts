// CorsMiddleware: a preflight (OPTIONS with an Origin) from an allowed origin is answered 204 by the
// controller with the Access-Control-* headers; other requests from an allowed origin get Allow-Origin,
// Allow-Credentials and Expose-Headers added to the response. With cors-allow-origin "*" the header is "*"
// (ingress-nginx's behaviour); with a list, the request's Origin is echoed when it matches an entry.
import type { Middleware, RequestContext, RouteAnnotations, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';

type CorsConfig = NonNullable<RouteAnnotations['cors']>;

// OriginMatcher holds exact origins and single-label wildcards ("https://*.example.com:8443").
class OriginMatcher {
  private readonly exact = new Set<string>();
  private readonly wildcards: Array<{ scheme: string; suffix: string }> = [];

  constructor(list: readonly string[]) {
    for (const o of list) {
      const lower = o.toLowerCase();
      const star = lower.indexOf('://*.');
      if (star < 0) this.exact.add(lower);
      else this.wildcards.push({ scheme: lower.slice(0, star + 3), suffix: lower.slice(star + 4) });
    }
  }

  matches(origin: string): boolean {
    const o = origin.toLowerCase();
    if (this.exact.has(o)) return true;
    for (const w of this.wildcards) {
      if (!o.startsWith(w.scheme) || !o.endsWith(w.suffix)) continue;
      const label = o.slice(w.scheme.length, o.length - w.suffix.length);
      if (label !== '' && !label.includes('.') && !label.includes('/') && !label.includes(':')) return true;
    }
    return false;
  }
}

export class CorsMiddleware implements Middleware {
  readonly name = 'enable-cors';
  private readonly any: boolean;
  private readonly origins: OriginMatcher;
  private readonly credentials: boolean;
  private readonly methods: string;
  private readonly headers: string;
  private readonly maxAge: string;
  private readonly expose: string | undefined;

  constructor(c: CorsConfig) {
    const list = c.allowOrigin.split(',').map((s) => s.trim()).filter((s) => s !== '');
    this.any = list.length === 0 || list.includes('*');
    this.origins = new OriginMatcher(list);
    this.credentials = c.allowCredentials;
    this.methods = c.allowMethods;
    this.headers = c.allowHeaders;
    this.maxAge = String(c.maxAge);
    this.expose = c.exposeHeaders;
  }

  handle(ctx: RequestContext): Verdict {
    const origin = ctx.headers.origin;
    let allow: string;
    if (this.any) allow = '*';
    else if (origin !== undefined && this.origins.matches(origin)) allow = origin;
    else return CONTINUE;
    const h = ctx.responseHeaders;
    h['access-control-allow-origin'] = allow;
    if (!this.any) h['vary'] = h['vary'] ? `${h['vary']}, Origin` : 'Origin';
    if (this.credentials) h['access-control-allow-credentials'] = 'true';
    if (this.expose !== undefined) h['access-control-expose-headers'] = this.expose;
    if (ctx.method !== 'OPTIONS' || origin === undefined) return CONTINUE;
    h['access-control-allow-methods'] = this.methods;
    h['access-control-allow-headers'] = this.headers;
    h['access-control-max-age'] = this.maxAge;
    h['content-type'] = 'text/plain; charset=utf-8';
    h['content-length'] = '0';
    ctx.respond = { status: 204 };
    return DONE;
  }
}
