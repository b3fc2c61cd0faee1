// createObject is POST: decode, namespace checks, metadata stamping, strategy (prepare, default,
// validate), admission (allocation), then the store write. dryRun runs everything but the write.
import { byResource, resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import { badRequest, forbidden, internal, invalid, isAlreadyExists, isNotFound, notFound } from '../../lib/errors.ts';
import { NOOP_TXN, type AllocationTxn } from '../admission/allocation-txn.ts';
import { gkOf, grOf, isNamespace, isService, toServed, toStored, type RegistryContext } from './context.ts';
import { decodeBody } from './decode.ts';
import { generateNameFrom, metaOf, metaRecord, rfc3339 } from './meta.ts';
import { bindToLocalNode } from './pod-lifecycle.ts';
import type { WriteOptions } from './types.ts';

const NAMESPACES = byResource('', 'v1', 'namespaces');
const GENERATE_NAME_ATTEMPTS = 8;

// RV_ON_CREATE is the error kube-apiserver's storage gives a POST carrying metadata.resourceVersion
// (a 500, as on Kubernetes: users meet it applying `kubectl get -o yaml` output).
export const RV_ON_CREATE = 'resourceVersion should not be set on objects to be created';

export const NAMESPACE_MISMATCH = 'the namespace of the provided object does not match the namespace sent on the request';

export async function createObject(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
  const decoded = decodeBody(info, body, opts, ctx.deps.decodeErrors);
  if (decoded.metadata?.resourceVersion) throw internal(RV_ON_CREATE);
  const obj = toStored(ctx, info, decoded);
  const txn = await admitCreate(ctx, info, namespace, obj);
  return writeCreate(ctx, info, obj, txn, opts);
}

// admitCreate prepares a decoded object (storage version) for its first write, in place, and returns
// the allocations made for it.
export async function admitCreate(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<AllocationTxn> {
  const ns = resolveNamespace(info, namespace, obj);
  stampCreate(ctx, obj);
  if (ns !== undefined) await checkNamespaceOpen(ctx, info, ns, obj.metadata?.name ?? '');
  const strategy = ctx.deps.strategyFor(info);
  strategy.prepareForCreate(obj);
  strategy.default(obj);
  bindToLocalNode(ctx, info, obj);
  if (isNamespace(info)) initNamespace(obj);
  const m = metaOf(obj);
  if (!m.name && m.generateName) m.name = generateNameFrom(m.generateName);
  const errs = strategy.validate(obj);
  if (errs.length > 0) throw invalid(gkOf(info), m.name ?? '', errs);
  return isService(info) ? ctx.alloc.allocateCreate(obj) : NOOP_TXN;
}

// writeCreate stores a prepared object, retrying a generated name that collides; allocations are
// committed on success and given back on failure or dry run.
export async function writeCreate(ctx: RegistryContext, info: ResourceInfo, obj: KubeObject, txn: AllocationTxn, opts: WriteOptions): Promise<KubeObject> {
  if (opts.dryRun) {
    txn.revert();
    return toServed(ctx, info, obj);
  }
  const m = metaOf(obj);
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await ctx.store.create(grOf(info), resourceKey(info, m.namespace, m.name), obj);
      txn.commit();
      return toServed(ctx, info, created);
    } catch (e) {
      if (isAlreadyExists(e) && m.generateName && attempt < GENERATE_NAME_ATTEMPTS) {
        m.name = generateNameFrom(m.generateName);
        continue;
      }
      txn.revert();
      throw e;
    }
  }
}

// resolveNamespace reconciles the request's namespace with the object's (namespaced kinds) or clears
// it (cluster-scoped kinds); it returns the namespace the object lives in.
export function resolveNamespace(info: ResourceInfo, namespace: string | undefined, obj: KubeObject): string | undefined {
  const m = metaOf(obj);
  if (!info.namespaced) {
    delete m.namespace;
    return undefined;
  }
  const ns = namespace || m.namespace || 'default';
  if (m.namespace && m.namespace !== ns) throw badRequest(NAMESPACE_MISMATCH);
  m.namespace = ns;
  return ns;
}

// stampCreate sets what the server owns on a new object: uid, creationTimestamp, generation; and drops
// what a client may not set (resourceVersion, deletion fields, managedFields).
function stampCreate(ctx: RegistryContext, obj: KubeObject): void {
  const m = metaRecord(obj);
  m['uid'] = globalThis.crypto.randomUUID();
  m['creationTimestamp'] = rfc3339(ctx.now());
  m['generation'] = 1;
  for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']) delete m[k];
}

// checkNamespaceOpen is the NamespaceLifecycle admission: the namespace must exist and not be terminating.
async function checkNamespaceOpen(ctx: RegistryContext, info: ResourceInfo, ns: string, name: string): Promise<void> {
  if (!NAMESPACES) return;
  let nsObj: KubeObject;
  try {
    nsObj = await ctx.store.get(grOf(NAMESPACES), resourceKey(NAMESPACES, undefined, ns));
  } catch (e) {
    if (isNotFound(e)) throw notFound(grOf(NAMESPACES), ns);
    throw e;
  }
  const status = nsObj['status'] as { phase?: string } | undefined;
  if (status?.phase === 'Terminating' || nsObj.metadata?.deletionTimestamp) {
    throw forbidden(grOf(info), name, `unable to create new content in namespace ${ns} because it is being terminated`);
  }
}

// initNamespace is what the Namespace strategy guarantees on create (done here too, idempotently,
// because deletion depends on it): spec.finalizers holds "kubernetes" and status.phase is Active.
function initNamespace(obj: KubeObject): void {
  const spec = (obj['spec'] && typeof obj['spec'] === 'object' ? obj['spec'] : {}) as Record<string, unknown>;
  const f = Array.isArray(spec['finalizers']) ? spec['finalizers'] as unknown[] : [];
  if (!f.includes('kubernetes')) spec['finalizers'] = [...f, 'kubernetes'];
  obj['spec'] = spec;
  obj['status'] = { phase: 'Active' };
}
