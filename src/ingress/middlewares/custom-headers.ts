// CustomHeadersMiddleware adds the custom-headers ConfigMap's entries to every response of the route.
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE } from '../contract.ts';

export class CustomHeadersMiddleware implements Middleware {
  readonly name = 'custom-headers';
  private readonly names: string[];
  private readonly values: string[];

  constructor(headers: Record<string, string>) {
    this.names = Object.keys(headers);
    this.values = this.names.map((n) => headers[n] ?? '');
  }

  handle(ctx: RequestContext): Verdict {
    for (let i = 0; i < this.names.length; i++) ctx.responseHeaders[this.names[i] as string] = this.values[i] as string;
    return CONTINUE;
  }
}
