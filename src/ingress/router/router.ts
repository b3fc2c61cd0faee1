// Router is the Ingress host/path matcher: an exact-host Map, then a wildcard Map keyed by the
// host's parent domain ("*.foo.com" matches "bar.foo.com" only: one label, as the Ingress spec says),
// then the rules without a host. A request costs two Map probes plus HostRoutes.match.
import type { Route } from '../types.ts';
import { HostRoutes } from './host-routes.ts';

export interface MatchOut { exec: RegExpExecArray | null }

export class Router {
  readonly #exact = new Map<string, HostRoutes>();
  readonly #wildcard = new Map<string, HostRoutes>();
  readonly #any = new HostRoutes();
  defaultRoute: Route | undefined;

  // hostRoutes returns (creating) the path table of a host pattern: 'a.b', '*.b' or '' (any host).
  hostRoutes(host: string): HostRoutes {
    if (host === '') return this.#any;
    const wild = host.startsWith('*.');
    const map = wild ? this.#wildcard : this.#exact;
    const key = wild ? host.slice(2) : host;
    let h = map.get(key);
    if (!h) { h = new HostRoutes(); map.set(key, h); }
    return h;
  }

  hasHost(host: string): boolean {
    return this.#exact.has(host) || this.#wildcard.has(parentDomain(host));
  }

  seal(): void {
    for (const h of this.#exact.values()) h.seal();
    for (const h of this.#wildcard.values()) h.seal();
    this.#any.seal();
  }

  // match finds the route for host (lower case, no port) and path (no query). A host with rules but
  // no matching path gets its own fallback, then the default route; it does not fall to other hosts.
  match(host: string, path: string, out: MatchOut): Route | undefined {
    let h = this.#exact.get(host);
    if (h === undefined) {
      const dot = host.indexOf('.');
      if (dot > 0) h = this.#wildcard.get(host.slice(dot + 1));
      if (h === undefined) h = this.#any;
    }
    return h.match(path, out) ?? this.defaultRoute;
  }
}

function parentDomain(host: string): string {
  const dot = host.indexOf('.');
  return dot > 0 ? host.slice(dot + 1) : '';
}
