// RedirectMiddleware answers every request of the route with a redirect (permanent-redirect, 301 by default,
// or temporal-redirect, 302 by default). The URL may use nginx variables such as $request_uri.
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { DONE } from '../contract.ts';
import { redirectTo } from './responses.ts';
import { Template } from './template.ts';

export class RedirectMiddleware implements Middleware {
  readonly name: string;
  private readonly code: number;
  private readonly url: Template;

  constructor(o: { name: 'permanent-redirect' | 'temporal-redirect'; url: string; code: number }) {
    this.name = o.name;
    this.code = o.code;
    this.url = new Template(o.url);
  }

  handle(ctx: RequestContext): Verdict {
    redirectTo(ctx, this.code, this.url.render(ctx));
    return DONE;
  }
}
