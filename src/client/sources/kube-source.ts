// KubeSource implements Source over HTTP against any Kubernetes API server (a real cluster, or Portico's
// own HTTP API) with @kubernetes/client-node: its KubeConfig for addresses and credentials, its Watch for
// streams. Failed requests become ApiError from the server's Status (so isNotFound/isConflict work).
import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent, WatchEventType } from '../../api/types.ts';
import { ApiError, gone, internal } from '../../lib/errors.ts';
import type { StatusReason } from '../../lib/errors.ts';
import type { Source, SourceListOptions, SourceSubresource } from '../source.ts';

const PATCH_TYPES = { json: 'application/json-patch+json', merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json' } as const;

// resourcePath is the REST path of a resource collection or object.
export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string, subresource?: string): string {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${root}${ns}/${info.resource}${obj}${subresource ? '/' + subresource : ''}`;
}

function query(opts: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

interface StatusBody { kind?: string; code?: number; reason?: string; message?: string; details?: ApiError['details'] }

// statusError turns a Status (from a response body or a watch ERROR event) into an ApiError.
function statusError(code: number, body: StatusBody | undefined): ApiError {
  const c = body?.code ?? code;
  if (c === 410) return gone(body?.message ?? 'resource version too old');
  if (!body?.reason) return c >= 500 || !c ? internal(body?.message ?? `HTTP ${c}`) : new ApiError(c, 'BadRequest', body?.message ?? `HTTP ${c}`);
  return new ApiError(c, body.reason as StatusReason, body.message ?? '', body.details);
}

export class KubeSource implements Source {
  readonly #kc: KubeConfig;

  constructor(kc: KubeConfig) {
    if (!kc.getCurrentCluster()) throw new Error('KubeSource: the kubeconfig has no current cluster');
    this.#kc = allowPlainHttp(kc);
  }

  // fromKubeConfig loads a kubeconfig file path, or takes a loaded KubeConfig.
  static fromKubeConfig(pathOrKubeConfig: string | KubeConfig): KubeSource {
    if (typeof pathOrKubeConfig !== 'string') return new KubeSource(pathOrKubeConfig);
    const kc = new KubeConfig();
    kc.loadFromFile(pathOrKubeConfig);
    return new KubeSource(kc);
  }

  list(info: ResourceInfo, namespace?: string, opts?: SourceListOptions): Promise<KubeList> {
    return this.#request('GET', resourcePath(info, namespace) + query({ ...opts })) as Promise<KubeList>;
  }

  async *watch(info: ResourceInfo, namespace: string | undefined, resourceVersion: string, signal: AbortSignal, opts?: SourceListOptions): AsyncIterable<WatchEvent> {
    const params = { ...opts, resourceVersion, allowWatchBookmarks: true };
    yield* watchStream(this.#kc, resourcePath(info, namespace), params, signal);
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.#request('GET', resourcePath(info, namespace, name)) as Promise<KubeObject>;
  }

  create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    return this.#request('POST', resourcePath(info, obj.metadata?.namespace), obj) as Promise<KubeObject>;
  }

  update(info: ResourceInfo, obj: KubeObject, subresource?: SourceSubresource): Promise<KubeObject> {
    return this.#request('PUT', resourcePath(info, obj.metadata?.namespace, obj.metadata?.name ?? '', subresource), obj) as Promise<KubeObject>;
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: 'json' | 'merge' | 'strategic', patch: unknown, subresource?: 'status'): Promise<KubeObject> {
    return this.#request('PATCH', resourcePath(info, namespace, name, subresource), patch, PATCH_TYPES[type]) as Promise<KubeObject>;
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string }; gracePeriodSeconds?: number }): Promise<void> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...opts };
    await this.#request('DELETE', resourcePath(info, namespace, name), body);
  }

  async #request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const cluster = this.#kc.getCurrentCluster();
    const url = new URL((cluster?.server ?? '') + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // Content-Length always: Node sends DELETE bodies unchunked, so without it the body is lost.
    const headers: Record<string, string | number> = { Accept: 'application/json', 'Content-Type': contentType };
    if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
    const opts: https.RequestOptions = { method, headers };
    await this.#kc.applyToHTTPSOptions(opts);
    const { status, text } = await send(url, opts, payload);
    const parsed = text ? JSON.parse(text) as unknown : undefined;
    if (status >= 200 && status < 300) return parsed;
    throw statusError(status, parsed as StatusBody | undefined);
  }
}

// allowPlainHttp marks plain-http clusters (Portico on loopback) skipTLSVerify: client-node refuses
// http:// servers otherwise, though there is no TLS to verify.
function allowPlainHttp(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return kc;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext,
  });
  return out;
}

function send(url: URL, opts: https.RequestOptions, payload: string | undefined): Promise<{ status: number; text: string }> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// watchStream adapts client-node's callback Watch to an async iterable. It ends when the server closes
// the stream, throws gone() on a 410 (status or ERROR event) and stops when the signal aborts.
async function* watchStream(kc: KubeConfig, path: string, params: Record<string, string | boolean | undefined>, signal: AbortSignal): AsyncIterable<WatchEvent> {
  const queue: WatchEvent[] = [];
  let end: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => { const w = wake; wake = undefined; w?.(); };
  const controller = await new Watch(kc).watch(path, params, (type, obj: KubeObject) => {
    queue.push({ type: type as WatchEventType, object: obj });
    notify();
  }, (err: unknown) => { end = { error: err }; notify(); });
  const onAbort = () => { controller.abort(); notify(); };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const ev = queue.shift();
      if (ev) {
        if (ev.type === 'ERROR') throw statusError(500, ev.object as StatusBody);
        yield ev;
        continue;
      }
      if (signal.aborted) return;
      if (end) {
        const e = end.error as { statusCode?: number } | null | undefined;
        if (e && e.statusCode !== undefined) throw statusError(e.statusCode, undefined);
        if (e && !signal.aborted) throw e;
        return;
      }
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
