// RewriteMiddleware sets the upstream path from rewrite-target, as nginx's `rewrite <path-regex> <target>`:
// the whole URI becomes the target (ingress-nginx ≥ 0.22: keep parts of the path only through capture
// groups, $1..$9 from the route's regex match), and the request's query is appended — after "&" when the
// target has its own query, not at all when the target ends with "?".
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE } from '../contract.ts';
import { Template } from './template.ts';

export class RewriteMiddleware implements Middleware {
  readonly name = 'rewrite-target';
  private readonly target: Template;

  constructor(target: string) {
    this.target = new Template(target);
  }

  handle(ctx: RequestContext): Verdict {
    const path = this.target.render(ctx);
    const t = this.target;
    if (t.dropArgs || ctx.query === '') ctx.upstreamPath = path;
    else if (t.hasQuery) ctx.upstreamPath = `${path}&${ctx.query.slice(1)}`;
    else ctx.upstreamPath = path + ctx.query;
    return CONTINUE;
  }
}
