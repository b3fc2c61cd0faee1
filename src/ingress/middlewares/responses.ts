// Answers the middlewares give themselves. nginx's status pages are HTML; plain text says the same.
import type { RequestContext } from '../contract.ts';

export function answer(ctx: RequestContext, status: number, body: string): void {
  ctx.respond = { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

export function redirectTo(ctx: RequestContext, status: number, location: string): void {
  ctx.respond = { status, headers: { location } };
}

export const FORBIDDEN_BODY = '403 Forbidden\n';
export const UNAVAILABLE_BODY = '503 Service Temporarily Unavailable\n';
