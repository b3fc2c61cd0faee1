// Balancer picks an endpoint for a client: round robin, or ClientIP affinity that pins a client IP to one
// endpoint until it has been idle for the timeout. Affinity survives endpoint updates that keep the pinned
// endpoint; a pin to a removed endpoint is dropped on the next pick.
import { endpointKey } from '../../model/endpoint.ts';
import type { EndpointInfo } from '../../model/endpoint.ts';

interface Pin { key: string; last: number }

export class Balancer {
  #eps: readonly EndpointInfo[] = [];
  #byKey = new Map<string, EndpointInfo>();
  // #keyOf caches endpointKey per endpoint object, so the per-connection path makes no strings.
  #keyOf = new Map<EndpointInfo, string>();
  #next = 0;
  #affinityMs = 0;
  readonly #pins = new Map<string, Pin>();

  get size(): number { return this.#eps.length; }
  get endpoints(): readonly EndpointInfo[] { return this.#eps; }
  get affinityMs(): number { return this.#affinityMs; }

  // update swaps in a new endpoint list and affinity timeout (undefined: no affinity).
  update(eps: readonly EndpointInfo[], affinityTimeoutSeconds: number | undefined): void {
    this.#eps = eps;
    this.#keyOf = new Map(eps.map((e) => [e, endpointKey(e)]));
    this.#byKey = new Map(eps.map((e) => [endpointKey(e), e]));
    this.#affinityMs = (affinityTimeoutSeconds ?? 0) * 1000;
    if (this.#affinityMs === 0) this.#pins.clear();
  }

  // key returns endpointKey(ep), cached for the endpoints of the current list.
  key(ep: EndpointInfo): string { return this.#keyOf.get(ep) ?? endpointKey(ep); }

  // has reports whether an endpoint key is in the current list.
  has(key: string): boolean { return this.#byKey.has(key); }

  // pick returns the endpoint for clientIP, skipping the keys in skip (endpoints that failed for this
  // connection); undefined when none is left.
  pick(clientIP: string, skip?: ReadonlySet<string>, now?: number): EndpointInfo | undefined {
    if (this.#affinityMs > 0) {
      now ??= Date.now();
      const pin = this.#pins.get(clientIP);
      if (pin && now - pin.last < this.#affinityMs && !skip?.has(pin.key)) {
        const ep = this.#byKey.get(pin.key);
        if (ep) { pin.last = now; return ep; }
      }
    }
    const ep = this.#roundRobin(skip);
    if (ep && this.#affinityMs > 0) this.#pins.set(clientIP, { key: this.key(ep), last: now ?? Date.now() });
    return ep;
  }

  // touch keeps clientIP's pin alive (traffic on an existing flow counts as activity).
  touch(clientIP: string, now = Date.now()): void {
    const pin = this.#pins.get(clientIP);
    if (pin) pin.last = now;
  }

  // forget drops clientIP's pin (its endpoint refused it).
  forget(clientIP: string): void { this.#pins.delete(clientIP); }

  // sweep drops expired pins; call it periodically to bound memory.
  sweep(now = Date.now()): void {
    for (const [ip, pin] of this.#pins) if (now - pin.last >= this.#affinityMs || !this.#byKey.has(pin.key)) this.#pins.delete(ip);
  }

  #roundRobin(skip: ReadonlySet<string> | undefined): EndpointInfo | undefined {
    const n = this.#eps.length;
    for (let i = 0; i < n; i++) {
      const ep = this.#eps[this.#next++ % n];
      if (this.#next >= n) this.#next = 0;
      if (ep && !skip?.has(this.key(ep))) return ep;
    }
    return undefined;
  }
}
