// listObjects is GET on a collection: selectors, limit/continue pagination, the list's resourceVersion.
import { apiVersionOf, resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeList } from '../../api/types.ts';
import { badRequest, gone } from '../../lib/errors.ts';
import { toServed, type RegistryContext } from './context.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import type { ListQuery } from './types.ts';

export const CONTINUE_EXPIRED = 'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time ' +
  'the first chunk was returned and now may show up in the list.';

export async function listObjects(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, q: ListQuery = {}): Promise<KubeList> {
  const selects = ctx.deps.selector(info, q.labelSelector, q.fieldSelector);
  const prefix = resourceKey(info, info.namespaced ? namespace : undefined);
  const token = q.continue ? decodeContinue(q.continue) : undefined;
  if (token) {
    if (!token.start.startsWith(prefix)) throw badRequest('continue key is not valid: key is not within the requested prefix');
    if (token.rv < ctx.store.compactedRevision()) throw gone(CONTINUE_EXPIRED);
  }
  const limit = q.limit !== undefined && q.limit > 0 ? q.limit : undefined;
  const res = await ctx.store.list(prefix, {
    ...(limit !== undefined ? { limit } : {}),
    ...(token ? { continueKey: token.start } : {}),
    ...(q.labelSelector?.trim() || q.fieldSelector?.trim() ? { filter: selects } : {}),
  });
  const rv = token?.rv ?? res.revision;
  const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
  if (res.continueKey !== undefined && limit !== undefined) {
    metadata.continue = encodeContinue({ rv, start: res.continueKey });
    if (res.remaining !== undefined && !q.labelSelector && !q.fieldSelector) metadata.remainingItemCount = res.remaining;
  }
  return {
    apiVersion: apiVersionOf(info),
    kind: info.listKind,
    metadata,
    items: res.items.map((o) => toServed(ctx, info, o)),
  };
}
