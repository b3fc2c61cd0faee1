// IngressController is the ingress agent: its handlers only record that something changed; a
// debounced sync compiles a whole new RouteTable from the informers and swaps it into the handler
// (one reference), then reconciles the L4 listeners, Ingress status and Events off the data path.
import type { V1Ingress, V1IngressClass } from '@kubernetes/client-node';
import { byKind } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/index.ts';
import type { Informer } from '../informer/index.ts';
import { parseAnnotations } from './annotations/index.ts';
import { InformerView } from './cluster-view.ts';
import type { ViewInformers } from './cluster-view.ts';
import type { Middleware, ParsedAnnotations, RouteAnnotations } from './contract.ts';
import type { IngressHandler } from './handler.ts';
import type { L4Listeners } from './l4/l4-listeners.ts';
import { buildMiddlewares } from './middlewares/index.ts';
import { Backends } from './provider/backends.ts';
import { Certificates } from './provider/certificates.ts';
import { compile } from './provider/compile.ts';
import type { IngressEvent } from './provider/compile.ts';
import { classToCreate, ours } from './provider/ingress-class.ts';
import { l4Services } from './provider/l4-services.ts';
import type { L4Error } from './provider/l4-services.ts';
import { IngressReporter } from './reporter.ts';
import type { RouteTable } from './types.ts';
import { EndpointRegistry } from './upstream/upstream.ts';

export interface IngressLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface ControllerInformers extends ViewInformers {
  ingresses: Informer<KubeObject>;
  ingressClasses: Informer<KubeObject>;
}

export interface IngressControllerOptions {
  source: Source;
  informers: ControllerInformers;
  handler: IngressHandler;
  l4: L4Listeners;
  ingressClass: string;
  nodeIP: string;
  tcpServicesConfigMap?: string | undefined;   // "ns/name"
  udpServicesConfigMap?: string | undefined;
  logger: IngressLogger;
  debounceMs?: number;                         // default 15 ms; a burst waits at most maxWaitMs
  maxWaitMs?: number;                          // default 80 ms
}

export const INFO = {
  ingresses: mustInfo('networking.k8s.io', 'v1', 'Ingress'),
  ingressClasses: mustInfo('networking.k8s.io', 'v1', 'IngressClass'),
  services: mustInfo('', 'v1', 'Service'),
  endpointSlices: mustInfo('discovery.k8s.io', 'v1', 'EndpointSlice'),
  secrets: mustInfo('', 'v1', 'Secret'),
  configMaps: mustInfo('', 'v1', 'ConfigMap'),
  events: mustInfo('', 'v1', 'Event'),
} as const;

function mustInfo(group: string, version: string, kind: string): ResourceInfo {
  const i = byKind(group, version, kind);
  if (!i) throw new Error(`ingress: ${kind} is not in the scheme`);
  return i;
}

interface ParsedEntry { rv: string; refs: { namespace: string; name: string; rv: string }[]; parsed: ParsedAnnotations }

export class IngressController {
  readonly #o: IngressControllerOptions;
  readonly #view: InformerView;
  readonly #endpoints = new EndpointRegistry();
  readonly #certs = new Certificates();
  readonly #parsed = new Map<string, ParsedEntry>();
  readonly #mws = new Map<string, { json: string; mws: readonly Middleware[] }>();
  readonly #reporter: IngressReporter;
  #timer: NodeJS.Timeout | undefined;
  #firstDirty = 0;
  #synced = false;
  #generation = 0;
  #listeners: ((t: RouteTable) => void)[] = [];

  constructor(o: IngressControllerOptions) {
    this.#o = o;
    this.#view = new InformerView(o.informers);
    this.#reporter = new IngressReporter({ source: o.source, nodeIP: o.nodeIP, logger: o.logger, eventsInfo: INFO.events, ingressesInfo: INFO.ingresses });
    const i = o.informers;
    // ConfigMaps too: parsed annotations are keyed by the resourceVersions of the ones they read.
    for (const inf of [i.ingresses, i.ingressClasses, i.services, i.endpointSlices, i.secrets, i.configMaps]) {
      inf.addEventHandler({ onAdd: () => this.#dirty(), onUpdate: (p, c) => { if (p !== c) this.#dirty(); }, onDelete: () => this.#dirty() });
    }
  }

  // start runs after the informers synced: ensures the IngressClass, then compiles the first table.
  async start(): Promise<void> {
    await this.#ensureClass();
    this.#synced = true;
    this.sync();
  }

  // onSwap observes each new table (tests wait on it).
  onSwap(fn: (t: RouteTable) => void): void { this.#listeners.push(fn); }

  stop(): void {
    clearTimeout(this.#timer);
    this.#synced = false;
    this.#reporter.stop();
  }

  #dirty(): void {
    if (!this.#synced) return;
    const now = Date.now();
    if (this.#timer === undefined) this.#firstDirty = now;
    clearTimeout(this.#timer);
    const wait = Math.min(this.#o.debounceMs ?? 15, Math.max(0, this.#firstDirty + (this.#o.maxWaitMs ?? 80) - now));
    this.#timer = setTimeout(() => { this.#timer = undefined; this.sync(); }, wait);
  }

  // sync compiles and swaps; a failure keeps the previous table serving.
  sync(): void {
    try {
      const i = this.#o.informers;
      const classes = i.ingressClasses.list() as V1IngressClass[];
      const view = { className: this.#o.ingressClass, classes };
      const all = i.ingresses.list() as V1Ingress[];
      const mine = all.filter((ing) => ours(ing, view));
      const backends = new Backends(this.#view, this.#endpoints);
      const compiled = compile(mine, {
        view: this.#view, backends, certificates: this.#certs,
        annotations: (ing) => this.#annotations(ing), middlewares: (ing, cfg) => this.#middlewares(ing, cfg),
      }, ++this.#generation);
      const l4Errors: L4Error[] = [];
      const tcp = l4Services(this.#configMap(this.#o.tcpServicesConfigMap), 'TCP', backends, l4Errors);
      const udp = l4Services(this.#configMap(this.#o.udpServicesConfigMap), 'UDP', backends, l4Errors);
      const table: RouteTable = { ...compiled.table, tcp, udp };
      this.#o.handler.table = table;
      this.#certs.commit();
      this.#endpoints.retain(backends.live);
      this.#o.l4.apply(tcp, udp);
      for (const e of l4Errors) this.#o.logger.warn({ event: 'l4ServiceInvalid', port: e.key, message: e.message });
      this.#reporter.report(compiled.served, compiled.events, all);
      this.#forget(mine);
      for (const fn of this.#listeners) fn(table);
    } catch (err) {
      this.#o.logger.warn({ event: 'ingressSyncFailed', err });
    }
  }

  #configMap(ref: string | undefined): Record<string, string> | undefined {
    if (!ref) return undefined;
    const slash = ref.indexOf('/');
    return slash < 0 ? this.#view.configMap('default', ref) : this.#view.configMap(ref.slice(0, slash), ref.slice(slash + 1));
  }

  // #annotations parses an Ingress's annotations once per version of the Ingress and of the ConfigMaps
  // they referenced (custom-headers), so editing such a ConfigMap takes effect.
  #annotations(ing: V1Ingress): ParsedAnnotations {
    const uid = ing.metadata?.uid ?? '';
    const rv = ing.metadata?.resourceVersion ?? '';
    const had = this.#parsed.get(uid);
    if (had && had.rv === rv && had.refs.every((r) => this.#view.configMapVersion(r.namespace, r.name) === r.rv)) return had.parsed;
    const namespace = ing.metadata?.namespace ?? 'default';
    const refs: ParsedEntry['refs'] = [];
    const configMap = (ns: string, name: string) => {
      refs.push({ namespace: ns, name, rv: this.#view.configMapVersion(ns, name) });
      return this.#view.configMap(ns, name);
    };
    let parsed: ParsedAnnotations;
    try {
      parsed = parseAnnotations(ing.metadata?.annotations ?? {}, { namespace, configMap });
    } catch (err) {
      parsed = { config: parseAnnotations({}, { namespace, configMap: () => undefined }).config, errors: [{ annotation: '*', value: '', message: `annotations could not be parsed: ${String(err)}` }] };
    }
    this.#parsed.set(uid, { rv, refs, parsed });
    return parsed;
  }

  // #middlewares reuses an Ingress's middleware instances while its config is unchanged, so stateful
  // ones (rate limits, connection counts) keep their state across unrelated changes.
  #middlewares(ing: V1Ingress, config: RouteAnnotations): readonly Middleware[] {
    const uid = ing.metadata?.uid ?? '';
    const json = JSON.stringify(config);
    const had = this.#mws.get(uid);
    if (had && had.json === json) return had.mws;
    let mws: readonly Middleware[];
    try { mws = buildMiddlewares(config, { now: Date.now, httpsPort: this.#o.handler.httpsPort || 443 }); } catch (err) {
      this.#o.logger.warn({ event: 'middlewaresFailed', ingress: uid, err });
      mws = [];
    }
    this.#mws.set(uid, { json, mws });
    return mws;
  }

  #forget(live: readonly V1Ingress[]): void {
    const uids = new Set(live.map((i) => i.metadata?.uid ?? ''));
    for (const k of this.#parsed.keys()) if (!uids.has(k)) this.#parsed.delete(k);
    for (const k of this.#mws.keys()) if (!uids.has(k)) this.#mws.delete(k);
  }

  async #ensureClass(): Promise<void> {
    const want = classToCreate({ className: this.#o.ingressClass, classes: this.#o.informers.ingressClasses.list() as V1IngressClass[] });
    if (!want) return;
    try {
      await this.#o.source.create(INFO.ingressClasses, want as KubeObject);
      this.#o.logger.info({ event: 'ingressClassCreated', name: this.#o.ingressClass });
    } catch (err) {
      this.#o.logger.warn({ event: 'ingressClassCreateFailed', err });
    }
  }
}

export type { IngressEvent };
