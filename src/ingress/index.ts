// The ingress folder's public surface. startIngressController runs the Ingress controller (ingress-nginx's
// job) over a Source: it reuses the caller's shared informers when given (keyed "<group>/<resource>",
// as startControllers returns them) and runs its own for any missing, waits for them to sync, then
// serves HTTP and HTTPS (and tcp/udp-services ports) from compiled RouteTables.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/index.ts';
import { Informer, waitForSync } from '../informer/index.ts';
import { IngressController, INFO } from './controller.ts';
import type { ControllerInformers, IngressLogger } from './controller.ts';
import { IngressHandler } from './handler.ts';
import { L4Listeners } from './l4/l4-listeners.ts';
import { Router } from './router/router.ts';
import { IngressServer } from './server.ts';
import type { Addr } from './server.ts';
import { defaultCertificate } from './tls/default-certificate.ts';
import type { RouteTable } from './types.ts';
import { Pools } from './upstream/pools.ts';

export { IngressController } from './controller.ts';
export type { IngressLogger } from './controller.ts';
export { Router } from './router/router.ts';
export type { RouteTable, Route } from './types.ts';
export { CONTROLLER_NAME } from './provider/ingress-class.ts';

export interface StartIngressOptions {
  source: Source;
  informers?: ReadonlyMap<string, Informer<KubeObject>>;
  httpAddr: string;                       // "host:port"; port 0 picks a free one
  httpsAddr: string;
  ingressClass: string;                   // default "portico"
  tcpServicesConfigMap?: string | undefined;  // "ns/name"
  udpServicesConfigMap?: string | undefined;
  nodeIP: string;
  signal: AbortSignal;
  logger: IngressLogger;
  dataDir?: string;                       // where the default certificate is kept
  onSwap?: (t: RouteTable) => void;
}

export interface RunningIngress {
  httpPort: number;
  httpsPort: number;
  controller: IngressController;
  done: Promise<void>;
}

export async function startIngressController(o: StartIngressOptions): Promise<RunningIngress> {
  const owned: Informer<KubeObject>[] = [];
  const inf = (info: ResourceInfo): Informer<KubeObject> => {
    const shared = o.informers?.get(`${info.group}/${info.resource}`);
    if (shared) return shared;
    const mine = new Informer<KubeObject>({ source: o.source, info, onError: (err) => o.logger.warn({ event: 'ingressInformerError', resource: info.resource, err }) });
    owned.push(mine);
    return mine;
  };
  const informers: ControllerInformers = {
    ingresses: inf(INFO.ingresses), ingressClasses: inf(INFO.ingressClasses), services: inf(INFO.services),
    endpointSlices: inf(INFO.endpointSlices), secrets: inf(INFO.secrets), configMaps: inf(INFO.configMaps),
  };
  const runs = owned.map((i) => i.run(o.signal));
  const pools = new Pools();
  const empty: RouteTable = { router: new Router(), certs: new Map(), passthrough: new Map(), tcp: [], udp: [], defaultRoute: undefined, generation: 0 };
  const handler = new IngressHandler({ table: empty, pools });
  const http = parseAddr(o.httpAddr);
  const l4 = new L4Listeners({ host: http.host, onError: (err, where) => o.logger.warn({ event: 'l4ListenFailed', where, err }) });
  const server = new IngressServer({
    handler, http, https: parseAddr(o.httpsAddr), defaultCertificate: defaultCertificate(o.dataDir ?? join(tmpdir(), 'portico-ingress')),
  });
  const controller = new IngressController({
    source: o.source, informers, handler, l4, ingressClass: o.ingressClass, nodeIP: o.nodeIP,
    tcpServicesConfigMap: o.tcpServicesConfigMap, udpServicesConfigMap: o.udpServicesConfigMap, logger: o.logger,
  });
  if (o.onSwap) controller.onSwap(o.onSwap);
  const ports = await server.listen();
  const stop = async () => {
    controller.stop();
    l4.close();
    await server.close();
    pools.close();
    handler.close();
    await Promise.allSettled(runs);
  };
  if (!(await waitForSync(Object.values(informers), o.signal))) {
    await stop();
    return { ...ports, controller, done: Promise.resolve() };
  }
  await controller.start();
  o.logger.info({ event: 'ingressListening', ...ports });
  const done = new Promise<void>((resolve) => {
    const onAbort = () => void stop().then(resolve, resolve);
    if (o.signal.aborted) onAbort(); else o.signal.addEventListener('abort', onAbort, { once: true });
  });
  return { ...ports, controller, done };
}

// parseAddr splits "host:port" ("[::]:8080" for IPv6).
export function parseAddr(s: string): Addr {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) throw new TypeError(`ingress: bad address "${s}" (want host:port)`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}
