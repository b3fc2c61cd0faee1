// HttpObjectClient speaks the Kubernetes REST API over fetch. Failures come back as ApiError built
// from the server's Status (code, reason, message, details), so callers never parse message text.
import { apiVersionOf } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeList, KubeObject } from '../api/types.ts';
import { ApiError } from '../lib/errors.ts';
import type { StatusDetails, StatusReason } from '../lib/errors.ts';
import type { ObjectClient, ObjectPatchType } from './object-client.ts';
import { CliError } from './resources.ts';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const PATCH_TYPES: Record<ObjectPatchType, string> = {
  strategic: 'application/strategic-merge-patch+json', merge: 'application/merge-patch+json', json: 'application/json-patch+json',
};

// resourceUrlPath is /api/v1/namespaces/ns/services/name (name and namespace optional).
export function resourceUrlPath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const base = info.group ? `/apis/${apiVersionOf(info)}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${info.resource}${name === undefined ? '' : '/' + encodeURIComponent(name)}`;
}

export class HttpObjectClient implements ObjectClient {
  readonly server: string;
  constructor(server: string) { this.server = server.replace(/\/$/, ''); }

  // send makes one call and returns the Response of a success (its body unread, so it may stream),
  // throwing ApiError built from the server's Status otherwise.
  async send(method: string, path: string, init: { body?: unknown; contentType?: string; accept?: string; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: init.accept ?? 'application/json', 'user-agent': 'portico-cli' };
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    let res: Response;
    try {
      res = await fetch(this.server + path, {
        method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}), ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (e) {
      throw new CliError(`cannot reach the server ${this.server}: ${(e as { cause?: Error }).cause?.message ?? String(e)}`);
    }
    if (res.ok) return res;
    const s = parseBody(await res.text()) as { reason?: StatusReason; message?: string; details?: StatusDetails };
    throw new ApiError(res.status, s.reason ?? 'InternalError', s.message ?? `${method} ${path}: HTTP ${res.status}`, s.details);
  }

  // request sends one call and decodes the JSON answer, throwing ApiError for a Status failure.
  async request(method: string, path: string, init: { body?: unknown; contentType?: string; accept?: string } = {}): Promise<unknown> {
    return parseBody(await (await this.send(method, path, init)).text());
  }

  async get(info: ResourceInfo, ns: string | undefined, name: string): Promise<KubeObject> {
    return await this.request('GET', resourceUrlPath(info, ns, name)) as KubeObject;
  }
  async list(info: ResourceInfo, ns: string | undefined, q: { labelSelector?: string } = {}): Promise<KubeList> {
    const qs = q.labelSelector ? `?labelSelector=${encodeURIComponent(q.labelSelector)}` : '';
    return await this.request('GET', resourceUrlPath(info, ns) + qs) as KubeList;
  }
  async create(info: ResourceInfo, ns: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return await this.request('POST', `${resourceUrlPath(info, ns)}?fieldManager=portico&fieldValidation=Strict`, { body: obj }) as KubeObject;
  }
  async patch(info: ResourceInfo, ns: string | undefined, name: string, type: ObjectPatchType, patch: unknown): Promise<KubeObject> {
    const path = `${resourceUrlPath(info, ns, name)}?fieldManager=portico&fieldValidation=Strict`;
    return await this.request('PATCH', path, { body: patch, contentType: PATCH_TYPES[type] }) as KubeObject;
  }
  async delete(info: ResourceInfo, ns: string | undefined, name: string): Promise<KubeObject> {
    return await this.request('DELETE', resourceUrlPath(info, ns, name), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } }) as KubeObject;
  }
  // table asks for the server-side printed Table of a list (name undefined) or of one object.
  async table(info: ResourceInfo, ns: string | undefined, name: string | undefined, q: { labelSelector?: string; wide?: boolean }): Promise<unknown> {
    const params = new URLSearchParams({ includeObject: 'Object' });
    if (q.labelSelector) params.set('labelSelector', q.labelSelector);
    return this.request('GET', `${resourceUrlPath(info, ns, name)}?${params.toString()}`, { accept: TABLE_ACCEPT });
  }
}

// parseBody reads a JSON answer; a body that is not JSON becomes its message.
function parseBody(text: string): unknown {
  try { return text ? JSON.parse(text) : {}; } catch { return { message: text }; }
}
