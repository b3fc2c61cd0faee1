// router is the API server's request handler: fixed documents (discovery, OpenAPI, health, metrics)
// from a Map, resource paths through parseResourcePath, every error as a Status, every request counted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, methodNotAllowed } from '../../lib/errors.ts';
import { AGGREGATED_MEDIA_TYPE, wantsAggregated, type Discovery } from '../discovery/index.ts';
import type { BinaryDocument, OpenAPIDocuments, Document } from '../openapi/index.ts';
import type { Registry } from '../registry/types.ts';
import { send, sendError, toApiError } from './codec.ts';
import type { ApiLogger } from './logger.ts';
import type { ApiMetrics } from './metrics.ts';
import { parseResourcePath } from './request-info.ts';
import { handleResource } from './resource-handler.ts';
import { servePodLog, type LogSource } from './pod-log.ts';
import { handleScale } from './scale.ts';

export interface RouterOptions {
  registry: Registry;
  discovery: Discovery;
  openapi: OpenAPIDocuments;
  metrics: ApiMetrics;
  logger: ApiLogger;
  closing: AbortSignal;
  logs?: LogSource;                     // pods/log; absent: 400 (no node agent in this server)
}

type Static = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const NOT_FOUND_MESSAGE = 'the server could not find the requested resource';

// createRouter returns the node:http request listener.
export function createRouter(o: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const statics = staticRoutes(o);
  const ctx = { registry: o.registry, logger: o.logger, closing: o.closing };
  return (req, res) => {
    const start = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://x');
    const route = statics.get(url.pathname);
    let verb = (req.method ?? 'GET').toUpperCase();
    let resource = '';
    const kind = req.method === 'GET' || req.method === 'HEAD' ? 'readOnly' : 'mutating';
    o.metrics.inflight.inc({ request_kind: kind });
    const done = (code: number): void => {
      o.metrics.inflight.dec({ request_kind: kind });
      o.metrics.requests.inc({ verb, resource, code: String(code) });
      o.metrics.duration.observe({ verb, resource }, Number(process.hrtime.bigint() - start) / 1e9);
      o.logger.info({ event: 'request', method: req.method, path: req.url, accept: req.headers.accept, contentType: req.headers['content-type'], verb, resource, code });
    };
    const run = async (): Promise<number> => {
      if (route) { await route(req, res); return res.statusCode; }
      const parsed = parseResourcePath(verb, url.pathname, url.searchParams.get('watch'));
      if (parsed.kind === 'notFound') throw notFoundPage();
      if (parsed.kind === 'methodNotAllowed') throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      verb = parsed.ri.verb.toUpperCase();
      resource = parsed.ri.info.resource + (parsed.ri.subresource ? `/${parsed.ri.subresource}` : '');
      if (parsed.ri.verb === 'get' && parsed.ri.subresource === 'log') return servePodLog(o.logs, req, res, parsed.ri.namespace ?? '', parsed.ri.name ?? '', url.searchParams, o.closing);
      if (parsed.ri.subresource === 'scale') return handleScale(ctx, req, res, parsed.ri, url.searchParams);
      if (parsed.ri.verb === 'get' && parsed.ri.subresource !== undefined && parsed.ri.subresource !== 'status') throw notFoundPage();
      return handleResource(ctx, req, res, parsed.ri, url.searchParams);
    };
    run().then(done, (e: unknown) => {
      const err = toApiError(e);
      if (err.code >= 500) o.logger.error({ event: 'requestFailed', method: req.method, path: req.url, err: e instanceof Error ? e.stack : String(e) });
      if (res.headersSent) res.end(); else sendError(res, err);
      done(err.code);
    });
  };
}

// notFoundPage is kube-apiserver's 404 for a path that names nothing it serves.
function notFoundPage(): ApiError {
  return new ApiError(404, 'NotFound', NOT_FOUND_MESSAGE, {});
}

function staticRoutes(o: RouterOptions): Map<string, Static> {
  const m = new Map<string, Static>();
  for (const [path, body] of o.discovery.documents) {
    const aggregated = o.discovery.aggregated.get(path);
    m.set(path, aggregated === undefined ? (_req, res) => send(res, 200, body) : (req, res) => {
      if (wantsAggregated(req.headers.accept)) sendTyped(res, aggregated, AGGREGATED_MEDIA_TYPE);
      else send(res, 200, body);
    });
  }
  const ok: Static = (_req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }); res.end('ok'); };
  for (const p of ['/healthz', '/livez', '/readyz']) m.set(p, ok);
  m.set('/metrics', async (_req, res) => {
    const text = await o.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': o.metrics.registry.contentType }); res.end(text);
  });
  m.set('/openapi/v2', (req, res) => (wantsProtobuf(req.headers.accept) ? sendBinary(req, res, o.openapi.v2Protobuf, OPENAPI_V2_PROTOBUF) : sendDocument(req, res, o.openapi.v2)));
  m.set('/openapi/v3', (req, res) => sendDocument(req, res, o.openapi.v3Root));
  for (const [key, d] of o.openapi.v3) m.set(`/openapi/v3/${key}`, (req, res) => sendDocument(req, res, d));
  return m;
}

// sendDocument serves a cached document with its ETag (304 when the client has it).
function sendDocument(req: IncomingMessage, res: ServerResponse, d: Document): void {
  if (req.headers['if-none-match'] === d.etag) { res.writeHead(304, { ETag: d.etag }); res.end(); return; }
  send(res, 200, d.body, 'json', { ETag: d.etag, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
}

// sendTyped serves a JSON document under a Content-Type with parameters (aggregated discovery).
function sendTyped(res: ServerResponse, body: string, contentType: string): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(buf.length), Vary: 'Accept' });
  res.end(buf);
}

// OPENAPI_V2_PROTOBUF is the Content-Type kube-apiserver gives the v2 document in gnostic protobuf.
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

// wantsProtobuf reports whether an Accept header's first entry asks for the protobuf OpenAPI v2
// document (client-go decodes that body as protobuf whatever its Content-Type says).
function wantsProtobuf(accept: string | undefined): boolean {
  const first = (accept ?? '').split(',')[0] ?? '';
  return /^\s*application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf\s*(;|$)/i.test(first);
}

// sendBinary serves a cached binary document with its ETag (304 when the client has it).
function sendBinary(req: IncomingMessage, res: ServerResponse, d: BinaryDocument, contentType: string): void {
  if (req.headers['if-none-match'] === d.etag) { res.writeHead(304, { ETag: d.etag }); res.end(); return; }
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(d.body.length), ETag: d.etag, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
  res.end(d.body);
}
