// compile turns the Ingresses this controller serves (oldest first) into an immutable RouteTable:
// host → path routes with their upstreams, canaries, TLS contexts and passthrough targets. It reads
// a ClusterView and writes nothing; the conflicts and bad annotations it finds come back as events.
import type { SecureContext } from 'node:tls';
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1Secret } from '@kubernetes/client-node';
import type { Middleware, ParsedAnnotations, RouteAnnotations } from '../contract.ts';
import { Router } from '../router/router.ts';
import type { Canary, IngressRef, PassthroughTarget, Route, RouteTable } from '../types.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { Backends, ServiceLookup } from './backends.ts';
import type { Certificates } from './certificates.ts';

export interface ClusterView extends ServiceLookup {
  secret(namespace: string, name: string): V1Secret | undefined;
  configMap(namespace: string, name: string): Record<string, string> | undefined;
}

// IngressEvent is a Warning (or Normal) Event the controller records on an Ingress.
export interface IngressEvent { ingress: IngressRef; type: 'Normal' | 'Warning'; reason: string; message: string }

export interface CompileDeps {
  view: ClusterView;
  backends: Backends;
  certificates: Certificates;
  annotations(ing: V1Ingress): ParsedAnnotations;
  middlewares(ing: V1Ingress, config: RouteAnnotations): readonly Middleware[];
}

export interface Compiled { table: RouteTable; events: IngressEvent[]; served: V1Ingress[] }

type MutableRoute = { -readonly [K in keyof Route]: Route[K] };

interface IngressUnit { ing: V1Ingress; ref: IngressRef; config: RouteAnnotations; middlewares: readonly Middleware[] }

export function compile(ingresses: readonly V1Ingress[], deps: CompileDeps, generation: number): Omit<Compiled, 'table'> & { table: Omit<RouteTable, 'tcp' | 'udp'> } {
  const events: IngressEvent[] = [];
  const router = new Router();
  const certs = new Map<string, SecureContext>();
  const passthrough = new Map<string, PassthroughTarget>();
  const units = ingresses.slice().sort(oldestFirst).map((ing) => unitOf(ing, deps, events));
  const tlsHosts = collectTLS(units, deps, certs, events);
  const canaries: IngressUnit[] = [];
  const mainRoutes = new Map<string, MutableRoute>();
  for (const u of units) {
    if (u.config.canary) { canaries.push(u); continue; }
    addUnitRoutes(u, deps, router, tlsHosts, mainRoutes, passthrough, events);
  }
  for (const u of canaries) attachCanary(u, deps, mainRoutes, events);
  router.seal();
  return { table: { router, certs, passthrough, defaultRoute: undefined, generation }, events, served: ingresses.slice() };
}

function unitOf(ing: V1Ingress, deps: CompileDeps, events: IngressEvent[]): IngressUnit {
  const ref = refOf(ing);
  const parsed = deps.annotations(ing);
  for (const e of parsed.errors) events.push({ ingress: ref, type: 'Warning', reason: 'InvalidAnnotation', message: `${e.annotation}: ${e.message}` });
  return { ing, ref, config: parsed.config, middlewares: deps.middlewares(ing, parsed.config) };
}

export function refOf(ing: V1Ingress): IngressRef {
  return { namespace: ing.metadata?.namespace ?? 'default', name: ing.metadata?.name ?? '', uid: ing.metadata?.uid ?? '' };
}

function oldestFirst(a: V1Ingress, b: V1Ingress): number {
  const ta = created(a);
  const tb = created(b);
  if (ta !== tb) return ta - tb;
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function created(i: V1Ingress): number {
  const t = i.metadata?.creationTimestamp as unknown;
  if (t instanceof Date) return t.getTime();
  return typeof t === 'string' ? Date.parse(t) : 0;
}

// collectTLS fills certs (first Secret per host wins) and returns the hosts that have TLS.
function collectTLS(units: readonly IngressUnit[], deps: CompileDeps, certs: Map<string, SecureContext>, events: IngressEvent[]): Set<string> {
  const hosts = new Set<string>();
  for (const u of units) {
    for (const t of u.ing.spec?.tls ?? []) {
      const secret = t.secretName ? deps.view.secret(u.ref.namespace, t.secretName) : undefined;
      let ctx: SecureContext | undefined;
      if (t.secretName && !secret) events.push({ ingress: u.ref, type: 'Warning', reason: 'TLSSecretMissing', message: `secret ${u.ref.namespace}/${t.secretName} not found; the default certificate is used` });
      if (secret) {
        const c = deps.certificates.context(secret);
        if (typeof c === 'string') events.push({ ingress: u.ref, type: 'Warning', reason: 'TLSSecretInvalid', message: `secret ${u.ref.namespace}/${t.secretName}: ${c}` });
        else ctx = c;
      }
      for (const h of t.hosts ?? []) {
        const host = h.toLowerCase();
        hosts.add(host);
        if (ctx && !certs.has(host)) certs.set(host, ctx);
      }
    }
  }
  return hosts;
}

function hostHasTLS(tls: ReadonlySet<string>, host: string): boolean {
  if (host === '') return false;
  if (tls.has(host)) return true;
  const dot = host.indexOf('.');
  return dot > 0 && tls.has(`*.${host.slice(dot + 1)}`);
}

function addUnitRoutes(u: IngressUnit, deps: CompileDeps, router: Router, tls: ReadonlySet<string>, mains: Map<string, MutableRoute>,
  passthrough: Map<string, PassthroughTarget>, events: IngressEvent[]): void {
  const regexMode = u.config.useRegex || u.config.rewriteTarget !== undefined;
  const hosts: string[] = [];
  for (const rule of u.ing.spec?.rules ?? []) {
    const host = (rule.host ?? '').toLowerCase();
    hosts.push(host);
    for (const p of rule.http?.paths ?? []) {
      const up = upstreamOf(u, p.backend, deps, events);
      const route = makeRoute(u, host, p, up, hostHasTLS(tls, host), regexMode, deps);
      if (u.config.sslPassthrough && host !== '') {
        if (!passthrough.has(host)) passthrough.set(host, { host, upstream: up });
        continue;
      }
      const clash = place(router, host, p, route, regexMode);
      if (clash) {
        events.push({ ingress: u.ref, type: 'Warning', reason: 'Conflict', message: `host "${host || '*'}" path "${p.path ?? '/'}" is already served by ${clash.ingress.namespace}/${clash.ingress.name} (older); this path is ignored` });
        continue;
      }
      mains.set(mainKey(host, p), route);
    }
  }
  const db = u.ing.spec?.defaultBackend;
  if (db) {
    const up = upstreamOf(u, db, deps, events);
    const route = makeRoute(u, '', { path: '/', pathType: 'Prefix', backend: db }, up, false, false, deps);
    for (const h of hosts) { const hr = router.hostRoutes(h); hr.fallback ??= route; }
    const any = router.hostRoutes('');
    any.fallback ??= route;
  }
}

function mainKey(host: string, p: V1HTTPIngressPath): string {
  return `${host} ${p.pathType === 'Exact' ? 'E' : 'P'} ${p.path ?? '/'}`;
}

// place adds a route to the router; it returns the older route holding the same key, if any.
function place(router: Router, host: string, p: V1HTTPIngressPath, route: Route, regexMode: boolean): Route | undefined {
  const hr = router.hostRoutes(host);
  const path = p.path || '/';
  if (p.pathType === 'Exact') return hr.addExact(path, route);
  if (route.regex && regexMode) {
    const clash = hr.regex.find((r) => r.route.path === path);
    if (clash) return clash.route;
    hr.addRegex(route.regex, route, path.length);
    return undefined;
  }
  return hr.addPrefix(path, route);
}

function makeRoute(u: IngressUnit, host: string, p: V1HTTPIngressPath, up: Upstream | undefined, tls: boolean, regexMode: boolean, deps: CompileDeps): MutableRoute {
  const path = p.path || '/';
  let regex: RegExp | undefined;
  if (regexMode && p.pathType !== 'Exact') {
    try { regex = new RegExp(`^${path}`, 'i'); } catch { regex = undefined; }
  }
  const fallback = u.config.defaultBackend
    ? deps.backends.upstream(u.ref.namespace, { name: u.config.defaultBackend, port: { number: 80 } }, 'HTTP', false) ?? firstPortUpstream(u, deps)
    : undefined;
  return {
    id: `${u.ref.namespace}/${u.ref.name} ${host} ${path} ${p.pathType}`, ingress: u.ref, host, path, upstream: up, canary: undefined,
    fallback, config: u.config, middlewares: u.middlewares, hostHasTLS: tls, regex,
    httpChain: chainFor(u.middlewares, 'http', tls), httpsChain: chainFor(u.middlewares, 'https', tls),
  };
}

// chainFor keeps the middlewares that may act on a scheme; an empty chain lets the handler skip the
// RequestContext (the default annotations' ssl-redirect and HSTS act only with TLS).
function chainFor(mws: readonly Middleware[], scheme: 'http' | 'https', tls: boolean): readonly Middleware[] {
  const out = mws.filter((m) => !m.actsOn || m.actsOn(scheme, tls));
  return out.length === mws.length ? mws : out;
}

// firstPortUpstream: the default-backend annotation names a Service only; use its first port.
function firstPortUpstream(u: IngressUnit, deps: CompileDeps): Upstream | undefined {
  const name = u.config.defaultBackend ?? '';
  const svc = deps.view.service(u.ref.namespace, name);
  const port = svc?.spec?.ports?.[0]?.port;
  return port === undefined ? undefined : deps.backends.upstream(u.ref.namespace, { name, port: { number: port } }, 'HTTP', false);
}

function upstreamOf(u: IngressUnit, b: V1IngressBackend, deps: CompileDeps, events: IngressEvent[]): Upstream | undefined {
  const s = b.service;
  if (!s) {
    events.push({ ingress: u.ref, type: 'Warning', reason: 'UnsupportedBackend', message: 'only Service backends are supported' });
    return undefined;
  }
  const up = deps.backends.upstream(u.ref.namespace, { name: s.name, port: { number: s.port?.number, name: s.port?.name } }, u.config.backendProtocol, u.config.serviceUpstream);
  return up;
}

function attachCanary(u: IngressUnit, deps: CompileDeps, mains: Map<string, MutableRoute>, events: IngressEvent[]): void {
  const c = u.config.canary;
  if (!c) return;
  for (const rule of u.ing.spec?.rules ?? []) {
    const host = (rule.host ?? '').toLowerCase();
    for (const p of rule.http?.paths ?? []) {
      const main = mains.get(mainKey(host, p));
      if (!main) {
        events.push({ ingress: u.ref, type: 'Warning', reason: 'CanaryWithoutMain', message: `no main Ingress serves host "${host}" path "${p.path ?? '/'}"` });
        continue;
      }
      if (main.canary) continue;
      const canary: Canary = {
        upstream: upstreamOf(u, p.backend, deps, events), config: u.config,
        byHeader: c.byHeader?.toLowerCase(), byHeaderValue: c.byHeaderValue, byCookie: c.byCookie, weight: c.weight,
      };
      main.canary = canary;
    }
  }
}
