// GarbageCollector enforces ownerReferences across every resource of the scheme, as kube's garbage
// collector does:
// - Background: a dependent all of whose owners are gone is deleted; owners that are gone are
//   stripped from dependents that still have a live owner.
// - Foreground: an owner deleting with the foregroundDeletion finalizer has its dependents deleted, and
//   loses the finalizer once none remain.
// - Orphan: an owner deleting with the orphan finalizer has its ownerReference stripped from every
//   dependent, then loses the finalizer.
// Owners missing from the caches are confirmed with a live GET before anything is deleted.
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { ResourceInfo } from '../../api/scheme.ts';
import { byKind, parseApiVersion } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import { objectKey } from '../../client/object-key.ts';
import type { Source } from '../../client/source.ts';
import type { Informer } from '../../informer/index.ts';
import { waitForSync } from '../../informer/index.ts';
import { isNotFound } from '../../lib/errors.ts';
import { Controller } from '../runtime/index.ts';
import { BY_OWNER_UID, ensureOwnerIndex } from '../shared/indexes.ts';

export const FINALIZER_FOREGROUND = 'foregroundDeletion';
export const FINALIZER_ORPHAN = 'orphan';

export interface GarbageCollectorOptions {
  source: Source;
  informers: readonly Informer<KubeObject>[];   // one per resource to collect (and to find owners in)
  workers?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

interface Ref { inf: Informer<KubeObject>; key: string }

export class GarbageCollector {
  readonly #opts: GarbageCollectorOptions;
  readonly #controller: Controller;
  readonly #byResource = new Map<string, Informer<KubeObject>>();
  readonly #byUID = new Map<string, Ref>();

  constructor(opts: GarbageCollectorOptions) {
    this.#opts = opts;
    this.#controller = new Controller({
      name: 'garbagecollector', workers: opts.workers ?? 4, reconcile: (key) => this.reconcile(key),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    for (const inf of opts.informers) {
      this.#byResource.set(resourceId(inf.info), inf);
      ensureOwnerIndex(inf);
      inf.addEventHandler({
        onAdd: (o) => this.#observe(inf, o),
        onUpdate: (_p, o) => this.#observe(inf, o),
        onDelete: (o) => this.#gone(o),
      });
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!await waitForSync(this.#opts.informers, signal)) return;
    await this.#controller.run(signal);
  }

  #observe(inf: Informer<KubeObject>, o: KubeObject): void {
    const uid = o.metadata?.uid;
    if (uid) this.#byUID.set(uid, { inf, key: objectKey(o) });
    const fin = o.metadata?.finalizers ?? [];
    const deleting = !!o.metadata?.deletionTimestamp && (fin.includes(FINALIZER_FOREGROUND) || fin.includes(FINALIZER_ORPHAN));
    if (deleting || (o.metadata?.ownerReferences ?? []).length > 0) this.#enqueue(inf, o);
  }

  #gone(o: KubeObject): void {
    const uid = o.metadata?.uid;
    if (uid) {
      this.#byUID.delete(uid);
      for (const d of this.#dependents(uid)) this.#enqueue(d.inf, d.obj);
    }
    // A dependent going may let a foreground-deleting owner finish.
    for (const ref of o.metadata?.ownerReferences ?? []) {
      const owner = this.#byUID.get(ref.uid);
      if (owner) this.#controller.enqueue(`${resourceId(owner.inf.info)}|${owner.key}`);
    }
  }

  #enqueue(inf: Informer<KubeObject>, o: KubeObject): void {
    this.#controller.enqueue(`${resourceId(inf.info)}|${objectKey(o)}`);
  }

  #dependents(uid: string): { inf: Informer<KubeObject>; obj: KubeObject }[] {
    const out: { inf: Informer<KubeObject>; obj: KubeObject }[] = [];
    for (const inf of this.#opts.informers) for (const obj of inf.byIndex(BY_OWNER_UID, uid)) out.push({ inf, obj });
    return out;
  }

  // reconcile handles one object, keyed "<group>/<resource>|<ns>/<name>".
  async reconcile(item: string): Promise<void> {
    const bar = item.indexOf('|');
    const inf = this.#byResource.get(item.slice(0, bar));
    const obj = inf?.get(item.slice(bar + 1));
    if (!inf || !obj) return;
    const fin = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp && fin.includes(FINALIZER_ORPHAN)) await this.#orphanDependents(inf, obj);
    else if (obj.metadata?.deletionTimestamp && fin.includes(FINALIZER_FOREGROUND)) await this.#deleteDependents(inf, obj);
    if ((obj.metadata?.ownerReferences ?? []).length > 0) await this.#checkOwners(inf, obj);
  }

  async #orphanDependents(inf: Informer<KubeObject>, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    for (const d of this.#dependents(uid)) await this.#stripOwners(d.inf, d.obj, new Set([uid]));
    await this.#removeFinalizer(inf, owner, FINALIZER_ORPHAN);
  }

  async #deleteDependents(inf: Informer<KubeObject>, owner: KubeObject): Promise<void> {
    const deps = this.#dependents(owner.metadata?.uid ?? '');
    for (const d of deps) {
      if (d.obj.metadata?.deletionTimestamp) continue;
      await ignoreNotFound(this.#opts.source.delete(d.inf.info, d.obj.metadata?.namespace, d.obj.metadata?.name ?? '', { propagationPolicy: 'Background' }));
    }
    // Dependents going re-enqueue the owner (#gone); it loses the finalizer once none remain.
    if (deps.length === 0) await this.#removeFinalizer(inf, owner, FINALIZER_FOREGROUND);
  }

  // #checkOwners deletes obj when every owner is gone, or strips the owners that are gone.
  async #checkOwners(inf: Informer<KubeObject>, obj: KubeObject): Promise<void> {
    const refs = obj.metadata?.ownerReferences ?? [];
    const dangling = new Set<string>();
    for (const ref of refs) if (await this.#isDangling(ref, obj)) dangling.add(ref.uid);
    if (dangling.size === 0) return;
    if (dangling.size === refs.length) {
      if (obj.metadata?.deletionTimestamp) return;
      const pre = obj.metadata?.uid ? { preconditions: { uid: obj.metadata.uid } } : {};
      await ignoreNotFound(this.#opts.source.delete(inf.info, obj.metadata?.namespace, obj.metadata?.name ?? '', { propagationPolicy: 'Background', ...pre }));
      return;
    }
    await this.#stripOwners(inf, obj, dangling);
  }

  // #isDangling: the owner is not in the caches and a live GET finds it missing (or with another uid).
  async #isDangling(ref: V1OwnerReference, dependent: KubeObject): Promise<boolean> {
    if (this.#byUID.has(ref.uid)) return false;
    const info = ownerInfo(ref);
    if (!info) return false;   // an owner kind we do not serve: leave it to whoever does
    try {
      const live = await this.#opts.source.get(info, info.namespaced ? dependent.metadata?.namespace : undefined, ref.name);
      return live.metadata?.uid !== ref.uid;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
  }

  async #stripOwners(inf: Informer<KubeObject>, obj: KubeObject, uids: ReadonlySet<string>): Promise<void> {
    const next = structuredClone(obj);
    const meta = next.metadata ?? {};
    meta.ownerReferences = (meta.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
    next.metadata = meta;
    await ignoreNotFound(this.#opts.source.update(inf.info, next));
  }

  async #removeFinalizer(inf: Informer<KubeObject>, obj: KubeObject, finalizer: string): Promise<void> {
    const next = structuredClone(obj);
    const meta = next.metadata ?? {};
    meta.finalizers = (meta.finalizers ?? []).filter((f) => f !== finalizer);
    next.metadata = meta;
    await ignoreNotFound(this.#opts.source.update(inf.info, next));
  }
}

function resourceId(info: ResourceInfo): string { return `${info.group}/${info.resource}`; }

function ownerInfo(ref: V1OwnerReference): ResourceInfo | undefined {
  const gv = parseApiVersion(ref.apiVersion);
  return byKind(gv.group, gv.version, ref.kind);
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (err) { if (!isNotFound(err)) throw err; }
}
