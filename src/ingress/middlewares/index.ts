// buildMiddlewares turns a route's parsed annotations into its middleware chain, once per compiled route.
// The core runs them in order for every request; each returns CONTINUE or DONE (it wrote ctx.respond).
import type { Middleware, MiddlewareDeps, RouteAnnotations } from '../contract.ts';
import { MIDDLEWARES } from './registry.ts';

export { MIDDLEWARES } from './registry.ts';
export type { MiddlewareFactory } from './registry.ts';
export { newRequestContext } from './fake-context.ts';

export function buildMiddlewares(config: RouteAnnotations, deps: MiddlewareDeps): Middleware[] {
  const out: Middleware[] = [];
  for (const f of MIDDLEWARES) {
    const m = f.create(config, deps);
    if (m) out.push(m);
  }
  return out;
}
