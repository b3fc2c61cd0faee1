// serve wires the all-in-one Portico: store → registry → API server → bootstrap objects → controllers
// → node registration, then applies the -f manifests and writes the kubeconfig. Aborting the signal
// stops everything in reverse order; Running.done settles when it has.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApiServer } from '../apiserver/index.ts';
import type { LogOptions, LogSource } from '../apiserver/index.ts';
import type { KubeObject } from '../api/types.ts';
import type { Informer } from '../informer/index.ts';
import { badRequest } from '../lib/errors.ts';
import { createRegistry } from '../apiserver/registry/index.ts';
import { EmbeddedSource } from '../client/index.ts';
import { startControllers } from '../controllers/index.ts';
import { NodeAgent } from '../node/index.ts';
import { openSqliteStore } from '../store/index.ts';
import { writeKubeconfig } from '../cli/kubeconfig.ts';
import { bootstrap } from './bootstrap.ts';
import { applyManifests } from './manifests.ts';
import { registerNode, runLeaseHeartbeat } from './node-registration.ts';

export interface ServeOptions {
  dataDir: string;
  apiHost: string;
  apiPort: number;              // 0 picks a free port
  serviceCIDR: string;
  nodePortRange: { base: number; size: number };
  clusterDomain: string;
  nodeIP: string;
  nodeName: string;
  podCIDR?: string;             // pod IPs for the node agent; default 127.244.0.0/16
  manifests: string[];          // -f paths applied after bootstrap
  logLevel: string;
}

export interface Running {
  url: string;
  port: number;
  kubeconfig: string;
  done: Promise<void>;          // settles once everything stopped after the signal aborted
}

export const SERVE_DEFAULTS: ServeOptions = {
  dataDir: '.portico', apiHost: '127.0.0.1', apiPort: 6443, serviceCIDR: '127.96.0.0/12',
  nodePortRange: { base: 30000, size: 2768 }, clusterDomain: 'cluster.local', nodeIP: '127.0.0.1',
  nodeName: hostname().toLowerCase(), podCIDR: '127.244.0.0/16', manifests: [], logLevel: 'info',
};

// serve starts Portico and resolves once the API listens, the kubeconfig is written and the
// manifests are applied. A failed start closes what it had opened before rejecting.
export async function serve(opts: ServeOptions, signal: AbortSignal): Promise<Running> {
  const log = pino({ level: opts.logLevel, base: { component: 'serve' } }, pino.destination(2));
  const stack: Closer[] = [];            // closed in reverse order: loops, then the API, then the store
  try {
    const running = await start(opts, log, stack);
    const done = new Promise<void>((resolve) => {
      const stop = () => void closeAll(log, stack).then(resolve);
      if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
    });
    return { ...running, done };
  } catch (e) {
    await closeAll(log, stack);
    throw e;
  }
}

type Closer = { name: string; close: () => Promise<unknown> };

async function start(opts: ServeOptions, log: Logger, stack: Closer[]): Promise<Omit<Running, 'done'>> {
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openSqliteStore({ path: join(opts.dataDir, 'portico.db') });
  stack.push({ name: 'store', close: () => store.close() });
  const registry = await createRegistry({ store, serviceCIDR: opts.serviceCIDR, nodePortRange: opts.nodePortRange, localNodeName: opts.nodeName });
  const apiLog = log.child({ component: 'apiserver' }, { level: opts.logLevel === 'debug' ? 'debug' : 'warn' });
  const logs = new LateLogSource();
  const api = await createApiServer({ registry, host: opts.apiHost, port: opts.apiPort, logger: apiLog, logs });
  stack.push({ name: 'api', close: () => api.close() });
  const apiHost = opts.apiHost === '0.0.0.0' || opts.apiHost === '::' ? opts.nodeIP : opts.apiHost;
  await bootstrap(registry, { serviceCIDR: opts.serviceCIDR, apiHost, apiPort: api.port });
  const loops = new AbortController();
  const controllers = await startControllers({
    source: new EmbeddedSource(registry), signal: loops.signal,
    onError: (err, where) => log.warn({ event: 'controllerError', where, err }),
  });
  stack.push({ name: 'controllers', close: () => { loops.abort(); return controllers.done; } });
  const agent = new NodeAgent({
    source: new EmbeddedSource(registry), nodeName: opts.nodeName, nodeIP: opts.nodeIP, podCIDR: opts.podCIDR ?? '127.244.0.0/16', dataDir: opts.dataDir,
    pods: inf(controllers.informers, '/pods'), services: inf(controllers.informers, '/services'),
    configMaps: inf(controllers.informers, '/configmaps'), secrets: inf(controllers.informers, '/secrets'),
    onError: (err, where) => log.warn({ event: 'nodeAgentError', where, err }),
  });
  logs.set(agent);
  const agentRun = agent.run(loops.signal);
  stack.push({ name: 'node-agent', close: () => { loops.abort(); return agentRun; } });
  const node = { nodeName: opts.nodeName, nodeIP: opts.nodeIP, onError: (e: unknown) => log.warn({ event: 'leaseRenewFailed', err: e }) };
  await registerNode(registry, node);
  const heartbeat = runLeaseHeartbeat(registry, node, loops.signal);
  stack.push({ name: 'heartbeat', close: () => { loops.abort(); return heartbeat; } });
  await applyManifests(registry, opts.manifests, log);
  const kubeconfig = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, api.url);
  return { url: api.url, port: api.port, kubeconfig };
}

// closeAll closes the stack from the top; a failing part is logged and the rest still close.
async function closeAll(log: Logger, stack: Closer[]): Promise<void> {
  log.info({ event: 'stopping' });
  for (const c of stack.splice(0).reverse()) {
    try { await c.close(); } catch (e) { log.warn({ event: 'stopFailed', part: c.name, err: e }); }
  }
  log.info({ event: 'stopped' });
}

function inf(m: ReadonlyMap<string, Informer<KubeObject>>, id: string): Informer<KubeObject> {
  const i = m.get(id);
  if (!i) throw new Error(`serve: no shared informer for ${id}`);
  return i;
}

// LateLogSource lets the API server start before the node agent exists (it needs synced informers).
class LateLogSource implements LogSource {
  #agent: LogSource | undefined;
  set(a: LogSource): void { this.#agent = a; }
  podLogs(namespace: string, name: string, o: LogOptions, signal: AbortSignal): Promise<AsyncIterable<string>> {
    if (!this.#agent) return Promise.reject(badRequest('the node agent is starting'));
    return this.#agent.podLogs(namespace, name, o, signal);
  }
}
