// AppRootMiddleware redirects "/" to the app-root with 302, as ingress-nginx's
// `if ($uri = /) { return 302 $scheme://$http_host<app-root>; }`.
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';
import { redirectTo } from './responses.ts';
import { hostHeader } from './template.ts';

export class AppRootMiddleware implements Middleware {
  readonly name = 'app-root';
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  handle(ctx: RequestContext): Verdict {
    if (ctx.path !== '/') return CONTINUE;
    redirectTo(ctx, 302, `${ctx.scheme}://${hostHeader(ctx)}${this.root}`);
    return DONE;
  }
}
