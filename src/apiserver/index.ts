// The API server: Kubernetes REST over a Registry, on plain HTTP/1.1 (loopback). Discovery and OpenAPI
// documents are built once at start; close() ends open watch streams and the listener.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry as PromRegistry } from 'prom-client';
import { buildDiscovery, DEFAULT_VERSION } from './discovery/index.ts';
import type { VersionInfo } from './discovery/index.ts';
import { stderrLogger } from './http/logger.ts';
import type { ApiLogger } from './http/logger.ts';
import { createApiMetrics } from './http/metrics.ts';
import { createRouter } from './http/router.ts';
import { buildOpenAPI } from './openapi/index.ts';
import type { Registry } from './registry/types.ts';

export type { ApiLogger } from './http/logger.ts';
export type { LogSource, LogOptions } from './http/pod-log.ts';
import type { LogSource } from './http/pod-log.ts';
export type { VersionInfo } from './discovery/index.ts';

export interface ApiServerOptions {
  registry: Registry;
  host: string;
  port: number;                     // 0 picks a free port
  version?: Partial<VersionInfo>;
  metrics?: PromRegistry;           // where to register the apiserver_* series (default: a private registry)
  logger?: ApiLogger;               // pino works; gets {event:'request'} per request at info level
  logs?: LogSource;                 // pods/log (the node agent); absent: 400
}

export interface ApiServer {
  url: string;                      // http://host:port
  port: number;
  close(): Promise<void>;
}

// createApiServer listens on host:port and resolves once it accepts connections.
export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  if (!opts.registry) throw new TypeError('createApiServer: registry is required');
  if (typeof opts.host !== 'string' || opts.host === '') throw new TypeError('createApiServer: host is required');
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new TypeError(`createApiServer: invalid port ${opts.port}`);
  const closing = new AbortController();
  const handler = createRouter({
    registry: opts.registry,
    discovery: buildDiscovery({ ...DEFAULT_VERSION, ...opts.version }),
    openapi: buildOpenAPI(),
    metrics: createApiMetrics(opts.metrics),
    logger: opts.logger ?? stderrLogger,
    closing: closing.signal,
    ...(opts.logs ? { logs: opts.logs } : {}),
  });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 100).unref();
    }),
  };
}
