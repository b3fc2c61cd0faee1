// newRequestContext builds a RequestContext for tests (of the middlewares and of the core) with plain
// defaults: GET http://example.com/ from 127.0.0.1.
import type { RequestContext } from '../contract.ts';

export function newRequestContext(over: Partial<RequestContext> = {}): RequestContext {
  const path = over.path ?? '/';
  const query = over.query ?? '';
  return {
    method: 'GET',
    scheme: 'http',
    host: 'example.com',
    path,
    query,
    headers: { host: over.host ?? 'example.com' },
    clientIP: '127.0.0.1',
    hostHasTLS: false,
    match: null,
    upstreamPath: path + query,
    upstreamHeaders: {},
    responseHeaders: {},
    onDone: [],
    ...over,
  };
}
