// updateObject is PUT on an object or on its status/finalize subresource; patchObject is PATCH. Both
// build the next object from the latest stored one inside commitUpdate.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import { badRequest, conflict, invalid, isNotFound, notFound, unsupportedMediaType, type FieldError } from '../../lib/errors.ts';
import { prepareServiceUpdate } from '../admission/service-needs.ts';
import { allowsCreateOnUpdate } from './create-on-update.ts';
import { admitCreate, resolveNamespace, writeCreate } from './create.ts';
import { gkOf, grOf, isNamespace, isService, toServed, toStored, type RegistryContext } from './context.ts';
import { decodeBody } from './decode.ts';
import { metaOf, metaRecord } from './meta.ts';
import type { PatchType, WriteOptions } from './types.ts';
import { checkResourceVersion, commitUpdate } from './update-core.ts';

export type UpdateOptions = WriteOptions & { subresource?: string };

// KEPT_META are the metadata fields an update cannot change: they always come from the stored object.
const KEPT_META = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink'];

export async function updateObject(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, name: string, body: KubeObject, opts: UpdateOptions = {}): Promise<KubeObject> {
  checkSubresource(info, opts.subresource);
  const obj = toStored(ctx, info, decodeBody(info, body, opts, ctx.deps.decodeErrors));
  const ns = resolveNamespace(info, namespace, obj);
  const m = metaOf(obj);
  if (m.name && m.name !== name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
  m.name = name;
  const build = (current: KubeObject): KubeObject => nextObject(ctx, info, name, structuredClone(obj), current, opts.subresource);
  try {
    return await commitUpdate(ctx, info, ns, name, build, { ...dry(opts), allocate: !opts.subresource });
  } catch (e) {
    if (!isNotFound(e) || opts.subresource || !allowsCreateOnUpdate(info)) throw e;
  }
  if (m.resourceVersion) throw notFound(grOf(info), name);
  const txn = await admitCreate(ctx, info, ns, obj);
  return writeCreate(ctx, info, obj, txn, opts);
}

export async function patchObject(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: UpdateOptions = {}): Promise<KubeObject> {
  if (type === 'apply') {
    throw unsupportedMediaType('server-side apply (application/apply-patch+yaml) is not supported by Portico yet; use client-side apply (kubectl apply without --server-side) or a merge patch');
  }
  checkSubresource(info, opts.subresource);
  const ns = info.namespaced ? namespace : undefined;
  let warned = false;
  const build = (current: KubeObject): KubeObject => {
    const served = toServed(ctx, info, structuredClone(current));
    const patched = ctx.deps.applyPatch(type, served, patch, info);
    const w = warned ? { ...opts, warnings: [] } : opts;
    warned = true;
    const obj = toStored(ctx, info, decodeBody(info, patched, w, ctx.deps.decodeErrors));
    resolveNamespace(info, ns, obj);
    const m = metaOf(obj);
    if (m.name !== name) throw badRequest(`the name of the object (${m.name ?? ''}) does not match the name on the URL (${name})`);
    return nextObject(ctx, info, name, obj, current, opts.subresource);
  };
  return commitUpdate(ctx, info, ns, name, build, { ...dry(opts), allocate: !opts.subresource });
}

// nextObject is rest.BeforeUpdate: preconditions, server-owned metadata, strategy, validation.
function nextObject(ctx: RegistryContext, info: ResourceInfo, name: string, obj: KubeObject, current: KubeObject, subresource: string | undefined): KubeObject {
  checkResourceVersion(info, name, obj.metadata?.resourceVersion, current);
  const uid = obj.metadata?.uid;
  const curUid = current.metadata?.uid;
  if (uid && curUid && uid !== curUid) throw conflict(grOf(info), name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${curUid}`);
  if (subresource === 'finalize') return finalizeNamespace(info, obj, current);
  const m = metaRecord(obj);
  const cur = metaRecord(current);
  for (const k of KEPT_META) { if (cur[k] === undefined) delete m[k]; else m[k] = cur[k]; }
  m['resourceVersion'] = cur['resourceVersion'];
  delete m['managedFields'];
  const strategy = ctx.deps.strategyFor(info);
  let errs: FieldError[];
  if (subresource === 'status') {
    strategy.prepareForStatusUpdate(obj, current);
    errs = strategy.validateStatusUpdate(obj, current);
  } else {
    if (isService(info)) prepareServiceUpdate(obj, current);
    strategy.default(obj);
    strategy.prepareForUpdate(obj, current);
    errs = strategy.validateUpdate(obj, current);
  }
  if (errs.length > 0) throw invalid(gkOf(info), name, errs);
  return obj;
}

// finalizeNamespace is the namespaces/finalize subresource: only spec.finalizers changes.
function finalizeNamespace(info: ResourceInfo, obj: KubeObject, current: KubeObject): KubeObject {
  if (!isNamespace(info)) throw notFound(grOf(info), 'finalize');
  const next = structuredClone(current);
  const spec = (obj['spec'] ?? {}) as Record<string, unknown>;
  const finalizers = Array.isArray(spec['finalizers']) ? spec['finalizers'] : [];
  const nextSpec = (next['spec'] ?? {}) as Record<string, unknown>;
  if (finalizers.length > 0) nextSpec['finalizers'] = finalizers; else delete nextSpec['finalizers'];
  next['spec'] = nextSpec;
  return next;
}

function checkSubresource(info: ResourceInfo, sub: string | undefined): void {
  if (sub === undefined || sub === '') return;
  const ok = (sub === 'status' || sub === 'finalize') && info.subresources.includes(sub);
  if (!ok) throw notFound({ group: info.group, resource: `${info.resource}/${sub}` }, '');
}

function dry(opts: WriteOptions): { dryRun?: boolean } {
  return opts.dryRun ? { dryRun: true } : {};
}
