// serve wires the all-in-one Portico: store → registry → API server → bootstrap objects → controllers
// → node registration, then applies the -f manifests and writes the kubeconfig. Aborting the signal
// stops everything in reverse order; Running.done settles when it has.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApiServer } from '../apiserver/index.ts';
import { createRegistry } from '../apiserver/registry/index.ts';
import { EmbeddedSource } from '../client/index.ts';
import { startControllers } from '../controllers/index.ts';
import type { RunningControllers } from '../controllers/index.ts';
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
  nodeName: hostname().toLowerCase(), manifests: [], logLevel: 'info',
};

// serve starts Portico and resolves once the API listens, the kubeconfig is written and the
// manifests are applied.
export async function serve(opts: ServeOptions, signal: AbortSignal): Promise<Running> {
  const log = pino({ level: opts.logLevel, base: { component: 'serve' } }, pino.destination(2));
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openSqliteStore({ path: join(opts.dataDir, 'portico.db') });
  const registry = await createRegistry({ store, serviceCIDR: opts.serviceCIDR, nodePortRange: opts.nodePortRange });
  const api = await createApiServer({ registry, host: opts.apiHost, port: opts.apiPort, logger: log.child({ component: 'apiserver' }, { level: opts.logLevel === 'debug' ? 'debug' : 'warn' }) });
  const apiHost = opts.apiHost === '0.0.0.0' || opts.apiHost === '::' ? opts.nodeIP : opts.apiHost;
  await bootstrap(registry, { serviceCIDR: opts.serviceCIDR, apiHost, apiPort: api.port });
  const stopping = new AbortController();
  const controllers = await startControllers({
    source: new EmbeddedSource(registry), signal: stopping.signal,
    onError: (err, where) => log.warn({ event: 'controllerError', where, err }),
  });
  const node = { nodeName: opts.nodeName, nodeIP: opts.nodeIP, onError: (e: unknown) => log.warn({ event: 'leaseRenewFailed', err: e }) };
  await registerNode(registry, node);
  const heartbeat = runLeaseHeartbeat(registry, node, stopping.signal);
  await applyManifests(registry, opts.manifests, log);
  const kubeconfig = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, api.url);
  const done = new Promise<void>((resolve) => {
    const stop = () => void shutdown(log, { stopping, api, heartbeat, controllers, store }).then(resolve);
    if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
  });
  return { url: api.url, port: api.port, kubeconfig, done };
}

interface Parts {
  stopping: AbortController;
  api: { close(): Promise<void> };
  heartbeat: Promise<void>;
  controllers: RunningControllers;
  store: { close(): Promise<void> };
}

// shutdown closes the API first (no new writes), then stops the loops, then closes the store.
async function shutdown(log: Logger, p: Parts): Promise<void> {
  log.info({ event: 'stopping' });
  await p.api.close();
  p.stopping.abort();
  await p.heartbeat;
  try {
    await p.controllers.done;
  } catch (e) {
    log.warn({ event: 'controllersStopFailed', err: e });
  }
  await p.store.close();
  log.info({ event: 'stopped' });
}
