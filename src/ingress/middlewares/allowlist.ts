// AllowlistMiddleware answers 403 to clients outside whitelist-source-range (ngx_http_access_module's deny).
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';
import { CidrSet } from './cidr-set.ts';
import { answer, FORBIDDEN_BODY } from './responses.ts';

export class AllowlistMiddleware implements Middleware {
  readonly name = 'whitelist-source-range';
  private readonly allowed: CidrSet;

  constructor(cidrs: readonly string[]) {
    this.allowed = new CidrSet(cidrs);
  }

  handle(ctx: RequestContext): Verdict {
    if (this.allowed.has(ctx.clientIP)) return CONTINUE;
    answer(ctx, 403, FORBIDDEN_BODY);
    return DONE;
  }
}
