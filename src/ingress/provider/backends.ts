// Backends resolves an Ingress backend (Service name + port) to an Upstream built from the Service's
// EndpointSlices (ready, not terminating), or from its ClusterIP under service-upstream. Upstreams are
// shared within one compile, so every route to the same Service port balances over one cursor.
import type { V1EndpointSlice, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { BackendProtocol } from '../contract.ts';
import { EndpointRegistry, Upstream } from '../upstream/upstream.ts';
import type { Endpoint } from '../upstream/upstream.ts';

export interface ServiceLookup {
  service(namespace: string, name: string): V1Service | undefined;
  slices(namespace: string, name: string): readonly V1EndpointSlice[];
}

export interface BackendRef { name: string; port: { number?: number | undefined; name?: string | undefined } }

export class Backends {
  readonly #lookup: ServiceLookup;
  readonly #registry: EndpointRegistry;
  readonly #built = new Map<string, Upstream | undefined>();
  readonly live = new Set<string>();          // endpoint keys referenced by this compile

  constructor(lookup: ServiceLookup, registry: EndpointRegistry) {
    this.#lookup = lookup;
    this.#registry = registry;
  }

  // upstream returns the Upstream for a backend, or undefined when the Service or port is missing.
  upstream(namespace: string, ref: BackendRef, protocol: BackendProtocol, serviceUpstream: boolean): Upstream | undefined {
    const portKey = ref.port.number !== undefined ? String(ref.port.number) : (ref.port.name ?? '');
    const key = `${namespace}/${ref.name}:${portKey}|${protocol}|${serviceUpstream ? 'c' : 'e'}`;
    if (this.#built.has(key)) return this.#built.get(key);
    const up = this.#build(namespace, ref, protocol, serviceUpstream);
    this.#built.set(key, up);
    return up;
  }

  #build(namespace: string, ref: BackendRef, protocol: BackendProtocol, serviceUpstream: boolean): Upstream | undefined {
    const svc = this.#lookup.service(namespace, ref.name);
    if (!svc?.spec) return undefined;
    const sp = (svc.spec.ports ?? []).find((p) => (ref.port.number !== undefined ? p.port === ref.port.number : p.name === ref.port.name));
    if (!sp) return undefined;
    const key = `${namespace}/${ref.name}:${sp.port}`;
    const serverName = `${ref.name}.${namespace}.svc`;
    let eps: Endpoint[];
    if (svc.spec.type === 'ExternalName' && svc.spec.externalName) {
      eps = [this.#endpoint(svc.spec.externalName, sp.port)];
    } else if (serviceUpstream && svc.spec.clusterIP && svc.spec.clusterIP !== 'None') {
      eps = [this.#endpoint(svc.spec.clusterIP, sp.port)];
    } else {
      eps = this.#fromSlices(namespace, ref.name, sp);
    }
    return new Upstream({ key, endpoints: eps, protocol, serverName });
  }

  #fromSlices(namespace: string, service: string, sp: V1ServicePort): Endpoint[] {
    const out: Endpoint[] = [];
    const seen = new Set<string>();
    const wantName = sp.name ?? '';
    for (const s of this.#lookup.slices(namespace, service)) {
      const port = (s.ports ?? []).find((p) => (p.name ?? '') === wantName && (p.protocol ?? 'TCP') === 'TCP');
      if (port?.port === undefined) continue;
      for (const ep of s.endpoints ?? []) {
        const c = ep.conditions;
        if (c?.ready === false || c?.terminating === true) continue;
        const addr = ep.addresses[0];
        if (!addr) continue;
        const e = this.#endpoint(addr, port.port);
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        out.push(e);
      }
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  #endpoint(address: string, port: number): Endpoint {
    const e = this.#registry.get(address, port);
    this.live.add(e.key);
    return e;
  }
}
