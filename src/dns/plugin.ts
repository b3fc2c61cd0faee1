// The plugin contract, CoreDNS's: a Plugin wraps the next Handler and returns its own. A handler either
// answers (returns the response bytes) or passes the request on with next(req). Handlers must not throw
// for bad input; the server turns a thrown error or rejected promise into SERVFAIL.
import type { Query } from './message.ts';

export interface DnsRequest {
  msg: Buffer;                 // the query message as received (read-only)
  q: Query;                    // its parsed question and EDNS fields
  transport: 'udp' | 'tcp';
}

// Handler returns the response synchronously whenever it can: the hot path stays free of promises.
export type Handler = (req: DnsRequest) => Buffer | Promise<Buffer>;
export type Plugin = (next: Handler) => Handler;

// chain composes plugins so the first one listed sees each request first; last ends the chain.
export function chain(plugins: readonly Plugin[], last: Handler): Handler {
  let h = last;
  for (let i = plugins.length - 1; i >= 0; i--) {
    const p = plugins[i];
    if (p) h = p(h);
  }
  return h;
}
