// FakeRegistry is a recording in-memory Registry for HTTP tests: it stores objects in a Map, records
// every call, streams watch events, fails watches from resourceVersion "1" with 410, and refuses
// unknown Service spec fields when fieldValidation is Strict (as the real registry's decoder does).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent } from '../../api/types.ts';
import { alreadyExists, badRequest, gone, notFound } from '../../lib/errors.ts';
import { streamOfList } from '../registry/list.ts';
import type { DeleteOptions, ListQuery, ListStream, PatchType, Registry, WatchQuery, WriteOptions } from './../registry/types.ts';

export interface RecordedCall { method: keyof Registry; resource: string; namespace: string | undefined; name?: string; args: unknown[] }

const SERVICE_SPEC_FIELDS = new Set(['ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalName', 'sessionAffinity', 'externalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy', 'internalTrafficPolicy', 'publishNotReadyAddresses', 'loadBalancerIP', 'externalIPs']);

export class FakeRegistry implements Registry {
  readonly calls: RecordedCall[] = [];
  readonly objects = new Map<string, KubeObject>();
  rv = 10;
  private watchers = new Set<(ev: WatchEvent) => void>();

  private key(info: ResourceInfo, ns: string | undefined, name: string): string { return `${info.resource}/${ns ?? ''}/${name}`; }
  private record(method: keyof Registry, info: ResourceInfo, namespace: string | undefined, name: string | undefined, ...args: unknown[]): void {
    this.calls.push({ method, resource: info.resource, namespace, ...(name !== undefined ? { name } : {}), args });
  }
  private gr(info: ResourceInfo): { group: string; resource: string } { return { group: info.group, resource: info.resource }; }
  private emit(type: WatchEvent['type'], object: KubeObject): void { for (const w of this.watchers) w({ type, object }); }
  private stamp(obj: KubeObject): KubeObject {
    const out = structuredClone(obj);
    out.metadata = { ...out.metadata, resourceVersion: String(++this.rv), creationTimestamp: out.metadata?.creationTimestamp ?? new Date('2025-01-01T00:00:00Z') };
    return out;
  }

  async create(info: ResourceInfo, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    this.record('create', info, namespace, obj.metadata?.name, obj, opts);
    checkStrict(info, obj, opts);
    const name = obj.metadata?.name ?? '';
    const k = this.key(info, namespace, name);
    if (this.objects.has(k)) throw alreadyExists(this.gr(info), name);
    const out = this.stamp(obj);
    if (opts?.dryRun) return out;
    this.objects.set(k, out);
    opts?.warnings?.push('fake warning');
    this.emit('ADDED', out);
    return out;
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    this.record('get', info, namespace, name);
    const o = this.objects.get(this.key(info, namespace, name));
    if (!o) throw notFound(this.gr(info), name);
    return o;
  }

  async list(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<KubeList> {
    this.record('list', info, namespace, undefined, q);
    const prefix = namespace === undefined ? `${info.resource}/` : `${info.resource}/${namespace}/`;
    const items = [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    return { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.listKind, metadata: { resourceVersion: String(this.rv) }, items };
  }

  async watch(info: ResourceInfo, namespace: string | undefined, q: WatchQuery, signal: AbortSignal): Promise<AsyncIterable<WatchEvent>> {
    this.record('watch', info, namespace, undefined, q);
    if (q.resourceVersion === '1') throw gone('too old resource version: 1 (10)');
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    const push = (ev: WatchEvent): void => { if (ev.object.metadata?.namespace === namespace || namespace === undefined) { queue.push(ev); wake?.(); } };
    this.watchers.add(push);
    signal.addEventListener('abort', () => { this.watchers.delete(push); wake?.(); }, { once: true });
    return (async function* () {
      while (!signal.aborted) {
        const ev = queue.shift();
        if (ev) { yield ev; continue; }
        await new Promise<void>((r) => { wake = r; });
      }
    })();
  }

  async update(info: ResourceInfo, namespace: string | undefined, name: string, obj: KubeObject, opts?: WriteOptions & { subresource?: string }): Promise<KubeObject> {
    this.record('update', info, namespace, name, obj, opts);
    checkStrict(info, obj, opts);
    return this.replace(info, namespace, name, obj);
  }

  private replace(info: ResourceInfo, namespace: string | undefined, name: string, obj: KubeObject): KubeObject {
    const k = this.key(info, namespace, name);
    if (!this.objects.has(k)) throw notFound(this.gr(info), name);
    const out = this.stamp(obj);
    this.objects.set(k, out);
    this.emit('MODIFIED', out);
    return out;
  }

  async patch(info: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: string }): Promise<KubeObject> {
    this.record('patch', info, namespace, name, type, patch, opts);
    const cur = this.objects.get(this.key(info, namespace, name));
    if (!cur) throw notFound(this.gr(info), name);
    const next = type === 'json' ? cur : { ...cur, ...(patch as KubeObject), metadata: { ...cur.metadata, ...(patch as KubeObject).metadata } };
    return this.replace(info, namespace, name, next);
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KubeObject> {
    this.record('delete', info, namespace, name, opts);
    const k = this.key(info, namespace, name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(this.gr(info), name);
    this.objects.delete(k);
    this.emit('DELETED', cur);
    return cur;
  }

  async listStream(info: ResourceInfo, namespace: string | undefined, q?: ListQuery): Promise<ListStream> {
    return streamOfList(await this.list(info, namespace, q));
  }

  async deleteCollection(info: ResourceInfo, namespace: string | undefined, q: ListQuery, opts?: DeleteOptions): Promise<KubeList> {
    this.record('deleteCollection', info, namespace, undefined, q, opts);
    const list = await this.list(info, namespace, q);
    for (const o of list.items) this.objects.delete(this.key(info, namespace ?? o.metadata?.namespace, o.metadata?.name ?? ''));
    return list;
  }
}

function checkStrict(info: ResourceInfo, obj: KubeObject, opts?: WriteOptions): void {
  if (info.resource !== 'services' || opts?.fieldValidation !== 'Strict') return;
  const spec = (obj['spec'] ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(spec).filter((k) => !SERVICE_SPEC_FIELDS.has(k));
  if (unknown.length > 0) throw badRequest(`Service in version "v1" cannot be handled as a Service: strict decoding error: ${unknown.map((k) => `unknown field "spec.${k}"`).join(', ')}`);
}
