// FakeSource is an in-memory Source for controller and informer unit tests: a recording fake, not a mock.
// It keeps objects per resource, one global revision (resourceVersion), a watch history that compact()
// can drop (watches from before it fail with 410 Gone), the finalizer/deletionTimestamp protocol
// (including the Foreground/Orphan finalizers and the Namespace finalize call), and it records every
// write in `actions`. Defaulting, validation and admission are the real Registry's job, not the fake's.
import { randomUUID } from 'node:crypto';
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { ResourceInfo } from '../../api/scheme.ts';
import { apiVersionOf } from '../../api/scheme.ts';
import type { KubeList, KubeObject, WatchEvent, WatchEventType } from '../../api/types.ts';
import { alreadyExists, badRequest, conflict, gone, notFound } from '../../lib/errors.ts';
import type { Source, SourceListOptions, SourceSubresource } from '../source.ts';
import { matchesListOptions } from './list-filter.ts';
import { mergePatch } from './merge-patch.ts';

export interface FakeAction {
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: string;            // "services", "endpointslices.discovery.k8s.io"
  namespace: string | undefined;
  name: string;
  subresource?: string;
}

interface LogEntry { rev: number; res: string; type: WatchEventType; object: KubeObject; prev: KubeObject | undefined }

function resName(info: ResourceInfo): string { return info.group ? `${info.resource}.${info.group}` : info.resource; }
function gr(info: ResourceInfo) { return { group: info.group, resource: info.resource }; }

export class FakeSource implements Source {
  // actions lists every write, in order.
  readonly actions: FakeAction[] = [];
  readonly #objects = new Map<string, KubeObject>();
  #log: LogEntry[] = [];
  #rev = 0;
  #compacted = 0;
  readonly #wake = new Set<() => void>();
  readonly #failures: { verb: FakeAction['verb']; resource: string; error: Error }[] = [];

  // failNext makes the next `verb` on `info` throw error (once), for requeue/backoff tests.
  failNext(verb: FakeAction['verb'], info: ResourceInfo, error: Error): void {
    this.#failures.push({ verb, resource: resName(info), error });
  }

  // compact drops the watch history: watches from any earlier resourceVersion now fail with 410.
  compact(): void { this.#compacted = this.#rev; this.#log = []; }

  // writes returns the recorded writes on a resource, optionally filtered by verb.
  writes(info: ResourceInfo, verb?: FakeAction['verb']): FakeAction[] {
    return this.actions.filter((a) => a.resource === resName(info) && (verb === undefined || a.verb === verb));
  }

  // objects returns the stored objects of a resource (copies), in key order.
  objects(info: ResourceInfo, namespace?: string): KubeObject[] {
    const prefix = this.#prefix(info, namespace);
    return [...this.#objects.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => structuredClone(o));
  }

  async list(info: ResourceInfo, namespace?: string, opts?: SourceListOptions): Promise<KubeList> {
    const items = this.objects(info, namespace).filter((o) => matchesListOptions(o, opts));
    return { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: { resourceVersion: String(this.#rev) }, items };
  }

  async *watch(info: ResourceInfo, namespace: string | undefined, resourceVersion: string, signal: AbortSignal, opts?: SourceListOptions): AsyncIterable<WatchEvent> {
    let from = resourceVersion === '' || resourceVersion === '0' ? this.#rev : Number(resourceVersion);
    if (from < this.#compacted) throw gone(`too old resource version: ${from} (${this.#compacted})`);
    const res = resName(info);
    while (!signal.aborted) {
      const batch = this.#log.filter((e) => e.rev > from && e.res === res && (namespace === undefined || e.object.metadata?.namespace === namespace));
      for (const e of batch) {
        from = e.rev;
        const ev = toWatchEvent(e, opts);
        if (ev) yield ev;
        if (signal.aborted) return;
      }
      if (batch.length === 0) await this.#waitForWrite(signal);
    }
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const o = this.#objects.get(this.#key(info, namespace, name));
    if (!o) throw notFound(gr(info), name);
    return structuredClone(o);
  }

  async create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    const o = structuredClone(obj);
    const meta = o.metadata ?? {};
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!meta.name) throw badRequest('name or generateName is required');
    this.#maybeFail('create', info);
    this.#record('create', info, meta.namespace, meta.name);
    const key = this.#key(info, meta.namespace, meta.name);
    if (this.#objects.has(key)) throw alreadyExists(gr(info), meta.name);
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: new Date(), generation: 1 });
    o.metadata = meta;
    o.apiVersion = apiVersionOf(info);
    o.kind = info.kind;
    return this.#write(info, key, 'ADDED', o, undefined);
  }

  async update(info: ResourceInfo, obj: KubeObject, subresource?: SourceSubresource): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    const cur = this.#objects.get(this.#key(info, obj.metadata?.namespace, name));
    this.#maybeFail('update', info);
    this.#record('update', info, obj.metadata?.namespace, name, subresource);
    if (!cur) throw notFound(gr(info), name);
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata?.resourceVersion) {
      throw conflict(gr(info), name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.#replace(info, cur, mergeSubresource(cur, obj, subresource));
  }

  async patch(info: ResourceInfo, namespace: string | undefined, name: string, type: 'json' | 'merge' | 'strategic', patch: unknown, subresource?: 'status'): Promise<KubeObject> {
    const cur = this.#objects.get(this.#key(info, namespace, name));
    this.#maybeFail('patch', info);
    this.#record('patch', info, namespace, name, subresource);
    if (!cur) throw notFound(gr(info), name);
    const next = type === 'json'
      ? fastJsonPatch.applyPatch(structuredClone(cur), patch as Operation[], false, false).newDocument
      : mergePatch(structuredClone(cur), patch) as KubeObject;
    return this.#replace(info, cur, next);
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string } }): Promise<void> {
    const key = this.#key(info, namespace, name);
    const cur = this.#objects.get(key);
    this.#maybeFail('delete', info);
    this.#record('delete', info, namespace, name);
    if (!cur) throw notFound(gr(info), name);
    const pre = opts?.preconditions;
    if ((pre?.uid && pre.uid !== cur.metadata?.uid) || (pre?.resourceVersion && pre.resourceVersion !== cur.metadata?.resourceVersion)) {
      throw conflict(gr(info), name, 'the precondition failed');
    }
    const next = structuredClone(cur);
    const meta = next.metadata ?? {};
    const extra = opts?.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : opts?.propagationPolicy === 'Orphan' ? 'orphan' : undefined;
    if (extra && !(meta.finalizers ?? []).includes(extra)) meta.finalizers = [...(meta.finalizers ?? []), extra];
    if (info.kind === 'Namespace') next['status'] = { phase: 'Terminating' };
    meta.deletionTimestamp ??= new Date();
    next.metadata = meta;
    this.#replace(info, cur, next);
  }

  // #replace stores next over cur, or removes it when it is deleting and no finalizer remains.
  #replace(info: ResourceInfo, cur: KubeObject, next: KubeObject): KubeObject {
    const meta = next.metadata ?? {};
    const key = this.#key(info, meta.namespace, meta.name ?? '');
    const finalizers = [...(meta.finalizers ?? []), ...namespaceFinalizers(info, next)];
    if (meta.deletionTimestamp && finalizers.length === 0) return this.#write(info, key, 'DELETED', next, cur);
    if (sameIgnoringRV(cur, next)) return structuredClone(cur);
    return this.#write(info, key, 'MODIFIED', next, cur);
  }

  #write(info: ResourceInfo, key: string, type: WatchEventType, obj: KubeObject, prev: KubeObject | undefined): KubeObject {
    this.#rev++;
    const o = structuredClone(obj);
    o.metadata = { ...o.metadata, resourceVersion: String(this.#rev) };
    if (type === 'DELETED') this.#objects.delete(key); else this.#objects.set(key, o);
    this.#log.push({ rev: this.#rev, res: resName(info), type, object: o, prev });
    for (const wake of this.#wake) wake();
    this.#wake.clear();
    return structuredClone(o);
  }

  #waitForWrite(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { signal.removeEventListener('abort', done); this.#wake.delete(done); resolve(); };
      this.#wake.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #maybeFail(verb: FakeAction['verb'], info: ResourceInfo): void {
    const i = this.#failures.findIndex((f) => f.verb === verb && f.resource === resName(info));
    if (i < 0) return;
    const [f] = this.#failures.splice(i, 1);
    if (f) throw f.error;
  }

  #record(verb: FakeAction['verb'], info: ResourceInfo, namespace: string | undefined, name: string, subresource?: string): void {
    this.actions.push({ verb, resource: resName(info), namespace, name, ...(subresource ? { subresource } : {}) });
  }

  #prefix(info: ResourceInfo, namespace?: string): string {
    return `${resName(info)}/${namespace === undefined ? '' : namespace + '/'}`;
  }

  #key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return `${resName(info)}/${info.namespaced ? (namespace ?? '') + '/' : ''}${name}`;
  }
}

// toWatchEvent turns a log entry into what a watcher with a selector sees: objects leaving the selection
// are DELETED, objects entering it ADDED (as the API server does).
function toWatchEvent(e: LogEntry, opts: SourceListOptions | undefined): WatchEvent | undefined {
  const now = matchesListOptions(e.object, opts);
  const before = e.prev !== undefined && matchesListOptions(e.prev, opts);
  const object = structuredClone(e.object);
  if (e.type === 'MODIFIED' && before !== now) return { type: now ? 'ADDED' : 'DELETED', object };
  return now || (e.type === 'DELETED' && before) ? { type: e.type, object } : undefined;
}

// mergeSubresource applies an update to the part of the object the subresource owns.
function mergeSubresource(cur: KubeObject, obj: KubeObject, subresource: SourceSubresource | undefined): KubeObject {
  const next = structuredClone(cur);
  if (subresource === 'status') { next['status'] = structuredClone(obj['status']); return next; }
  if (subresource === 'finalize') {
    const spec = { ...(next['spec'] as object | undefined), finalizers: (obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
    next['spec'] = spec;
    return next;
  }
  const out = structuredClone(obj);
  out['status'] = structuredClone(cur['status']);
  out.metadata = { ...out.metadata, uid: cur.metadata?.uid ?? '', creationTimestamp: cur.metadata?.creationTimestamp ?? new Date() };
  if (cur.metadata?.deletionTimestamp) out.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
  return out;
}

function namespaceFinalizers(info: ResourceInfo, obj: KubeObject): string[] {
  if (info.kind !== 'Namespace') return [];
  return (obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
}

function sameIgnoringRV(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return strip(a) === strip(b);
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
// randomSuffix is apiserver's generateName suffix: five characters from its consonant+digit alphabet.
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}
