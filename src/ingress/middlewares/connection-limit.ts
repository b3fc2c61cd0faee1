// ConnectionLimitMiddleware is nginx's limit_conn per client IP: it counts the requests a client has in
// progress and answers 503 past the limit. The count drops when the core runs ctx.onDone; a client's entry
// is deleted at zero, so memory is bounded by the requests in flight.
import type { Middleware, RequestContext, Verdict } from '../contract.ts';
import { CONTINUE, DONE } from '../contract.ts';
import { CidrSet } from './cidr-set.ts';
import { answer, UNAVAILABLE_BODY } from './responses.ts';

// Slot is one client's count; release is made once per slot, not per request.
class Slot {
  count = 0;
  readonly release: () => void;
  constructor(slots: Map<string, Slot>, ip: string) {
    this.release = () => {
      if (this.count > 0) this.count--;
      if (this.count === 0 && slots.get(ip) === this) slots.delete(ip);
    };
  }
}

export class ConnectionLimitMiddleware implements Middleware {
  readonly name = 'limit-connections';
  private readonly limit: number;
  private readonly exempt: CidrSet | undefined;
  private readonly slots = new Map<string, Slot>();

  constructor(limit: number, exempt: readonly string[]) {
    if (!(limit > 0)) throw new RangeError('limit-connections must be positive');
    this.limit = limit;
    this.exempt = exempt.length > 0 ? new CidrSet(exempt) : undefined;
  }

  get trackedClients(): number {
    return this.slots.size;
  }

  handle(ctx: RequestContext): Verdict {
    if (this.exempt?.has(ctx.clientIP)) return CONTINUE;
    let slot = this.slots.get(ctx.clientIP);
    if (slot === undefined) {
      slot = new Slot(this.slots, ctx.clientIP);
      this.slots.set(ctx.clientIP, slot);
    }
    if (slot.count >= this.limit) {
      answer(ctx, 503, UNAVAILABLE_BODY);
      return DONE;
    }
    slot.count++;
    ctx.onDone.push(slot.release);
    return CONTINUE;
  }
}
