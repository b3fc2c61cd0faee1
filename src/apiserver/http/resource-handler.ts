// resource-handler serves one resource request (RequestInfo) against the Registry: it decodes the
// body and query, calls exactly one registry method, and encodes the result (object, list, Table,
// watch stream or Status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject, WatchEvent } from '../../api/types.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import type { Registry } from '../registry/types.ts';
import { decodeBody, encode, negotiate, patchTypeOf, readBody, send, warningHeader } from './codec.ts';
import type { AcceptChoice } from './codec.ts';
import type { ApiLogger } from './logger.ts';
import { deleteOptions, listQuery, watchQuery, writeOptions } from './query.ts';
import type { RequestInfo } from './request-info.ts';
import { sendList } from './list-writer.ts';
import { loadPrintTable, objectTable, tableOptions } from './table.ts';
import { serveWatch } from './watch-stream.ts';

export interface ResourceContext { registry: Registry; logger: ApiLogger; closing: AbortSignal }

// RETURN_DELETED lists the resources whose DELETE answers with the object (kube's ReturnDeletedObject);
// the others answer with a Success Status.
const RETURN_DELETED = new Set(['pods', 'services', 'namespaces']);

// handleResource serves ri and returns the HTTP code it sent; ApiErrors propagate to the caller.
export async function handleResource(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, q: URLSearchParams): Promise<number> {
  const accept = negotiate(req.headers.accept);
  const { info, namespace } = ri;
  if (info.namespaced && namespace === undefined && ri.verb !== 'list' && ri.verb !== 'watch' && ri.verb !== 'deletecollection') {
    throw notFound({ group: info.group, resource: info.resource }, ri.name ?? '');
  }
  switch (ri.verb) {
    case 'get': return reply(res, 200, accept, info, await ctx.registry.get(info, namespace, ri.name ?? ''), q);
    case 'list': return replyList(ctx, res, ri, accept, q);
    case 'watch': return watch(ctx, req, res, ri, accept, q);
    case 'create': return create(ctx, req, res, ri, accept, q);
    case 'update': return update(ctx, req, res, ri, accept, q);
    case 'patch': return patch(ctx, req, res, ri, accept, q);
    case 'delete': return del(ctx, req, res, ri, accept, q);
    case 'deletecollection': {
      const body = await optionalBody(req);
      const list = await ctx.registry.deleteCollection(info, namespace, listQuery(q), deleteOptions(q, body));
      send(res, 200, encode(list, accept.format), accept.format);
      return 200;
    }
  }
}

async function reply(res: ServerResponse, code: number, accept: AcceptChoice, info: ResourceInfo, obj: KubeObject, q: URLSearchParams): Promise<number> {
  let body: unknown = obj;
  if (accept.table && obj.kind !== 'Status') body = objectTable(await loadPrintTable(), info, obj, tableOptions(q), accept.table);
  send(res, code, encode(body, accept.format), accept.format);
  return code;
}

async function replyList(ctx: ResourceContext, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const table = accept.table ? { print: await loadPrintTable(), info: ri.info, opts: tableOptions(q), version: accept.table } : undefined;
  await sendList(res, await ctx.registry.listStream(ri.info, ri.namespace, listQuery(q)), accept, table);
  return 200;
}

async function watch(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const query = watchQuery(q);
  if (ri.name !== undefined) {
    const byName = `metadata.name=${ri.name}`;
    query.fieldSelector = query.fieldSelector ? `${query.fieldSelector},${byName}` : byName;
  }
  let encodeEvent = (ev: WatchEvent): string => `{"type":${JSON.stringify(ev.type)},"object":${objectJSON(ev.object)}}`;
  const table = accept.table;
  if (table) {
    const print = await loadPrintTable();
    const opts = tableOptions(q);
    encodeEvent = (ev) => JSON.stringify(ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev : { type: ev.type, object: objectTable(print, ri.info, ev.object, opts, table) });
  }
  return serveWatch(req, res, { registry: ctx.registry, info: ri.info, namespace: ri.namespace, query, closing: ctx.closing, logger: ctx.logger, encodeEvent, contentType: 'application/json' });
}

// encodedObjects caches the JSON of watch event objects, which the registry shares between watches:
// an event is encoded once, not once per watcher. It keeps the last ENCODED_EVENTS only: in-process
// informers cache the shared objects themselves, and a WeakMap would keep every cached object's JSON
// alive with it (~20 MB at 20,000 objects); the watchers of one event encode it within a few turns.
const ENCODED_EVENTS = 2048;
const encodedObjects = new Map<object, string>();

function objectJSON(obj: KubeObject): string {
  let text = encodedObjects.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    encodedObjects.set(obj, text);
    if (encodedObjects.size > ENCODED_EVENTS) for (const k of encodedObjects.keys()) { encodedObjects.delete(k); break; }
  }
  return text;
}

// decodeObject reads a whole object body and checks it against the request: apiVersion/kind (filled
// when absent), namespace and name.
async function decodeObject(req: IncomingMessage, ri: RequestInfo): Promise<KubeObject> {
  const raw = decodeBody(await readBody(req), req.headers['content-type']);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Object \'Kind\' is missing in the request body: expected a JSON object');
  const obj = raw as KubeObject;
  const info = ri.info;
  const want = apiVersionOf(info);
  if (ri.subresource === undefined) {
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
    if (obj.kind !== undefined && obj.kind !== info.kind) throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  }
  obj.apiVersion ??= want;
  obj.kind ??= info.kind;
  const meta = (obj.metadata ??= {});
  if (info.namespaced && ri.namespace !== undefined) {
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== ri.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = ri.namespace;
  }
  if (ri.name !== undefined && meta.name !== undefined && meta.name !== ri.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${ri.name})`);
  }
  if (ri.name !== undefined) meta.name = ri.name;
  return obj;
}

async function create(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const obj = await decodeObject(req, ri);
  const opts = { ...writeOptions(q), warnings: [] as string[], bodyOwned: true };
  const out = await ctx.registry.create(ri.info, ri.namespace, obj, opts);
  setWarnings(res, opts.warnings);
  return reply(res, 201, accept, ri.info, out, q);
}

async function update(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const obj = await decodeObject(req, ri);
  const opts = { ...writeOptions(q), warnings: [] as string[], ...(ri.subresource ? { subresource: ri.subresource } : {}) };
  const out = await ctx.registry.update(ri.info, ri.namespace, ri.name ?? '', obj, opts);
  setWarnings(res, opts.warnings);
  return reply(res, 200, accept, ri.info, out, q);
}

async function patch(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const type = patchTypeOf(req.headers['content-type']);
  const body = decodeBody(await readBody(req), req.headers['content-type']);
  if (type === 'json' ? !Array.isArray(body) : (!body || typeof body !== 'object' || Array.isArray(body))) {
    throw badRequest(type === 'json' ? 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' : 'the patch must be a JSON object');
  }
  const opts = { ...writeOptions(q), warnings: [] as string[], ...(ri.subresource ? { subresource: ri.subresource } : {}) };
  const out = await ctx.registry.patch(ri.info, ri.namespace, ri.name ?? '', type, body, opts);
  setWarnings(res, opts.warnings);
  return reply(res, 200, accept, ri.info, out, q);
}

async function del(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, accept: AcceptChoice, q: URLSearchParams): Promise<number> {
  const body = await optionalBody(req);
  const opts = { ...deleteOptions(q, body), warnings: [] as string[] };
  const out = await ctx.registry.delete(ri.info, ri.namespace, ri.name ?? '', opts);
  setWarnings(res, opts.warnings);
  const meta = out.metadata ?? {};
  const pending = meta.deletionTimestamp !== undefined && (meta.finalizers?.length ?? 0) > 0;
  if (pending) return reply(res, 202, { format: accept.format }, ri.info, out, q);
  if (RETURN_DELETED.has(ri.info.resource)) return reply(res, 200, { format: accept.format }, ri.info, out, q);
  const status = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: meta.name ?? ri.name ?? '', group: ri.info.group, kind: ri.info.resource, ...(meta.uid ? { uid: meta.uid } : {}) },
  };
  send(res, 200, encode(status, accept.format), accept.format);
  return 200;
}

// optionalBody decodes a DELETE body (DeleteOptions) when one was sent.
async function optionalBody(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  return decodeBody(buf, req.headers['content-type']);
}

function setWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length > 0) res.setHeader('Warning', warningHeader(warnings));
}
