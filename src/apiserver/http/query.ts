// query decodes the Kubernetes query parameters of a request into the registry's option types.
// Malformed values are 400 BadRequest, as in kube-apiserver.
import { badRequest } from '../../lib/errors.ts';
import type { DeleteOptions, FieldValidation, ListQuery, PropagationPolicy, WatchQuery, WriteOptions } from '../registry/types.ts';

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name} ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`invalid ${name} ${JSON.stringify(v)}: must be a boolean`);
}

function set<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

// listQuery reads labelSelector, fieldSelector, limit, continue, resourceVersion(Match).
export function listQuery(q: URLSearchParams): ListQuery {
  const out: ListQuery = {};
  set(out, 'labelSelector', q.get('labelSelector') || undefined);
  set(out, 'fieldSelector', q.get('fieldSelector') || undefined);
  const limit = intParam(q, 'limit');
  if (limit !== undefined && limit < 0) throw badRequest('limit must be a non-negative integer');
  if (limit) out.limit = limit;
  set(out, 'continue', q.get('continue') || undefined);
  set(out, 'resourceVersion', q.get('resourceVersion') ?? undefined);
  set(out, 'resourceVersionMatch', q.get('resourceVersionMatch') || undefined);
  return out;
}

// watchQuery is listQuery plus allowWatchBookmarks, sendInitialEvents and timeoutSeconds.
export function watchQuery(q: URLSearchParams): WatchQuery {
  const out: WatchQuery = listQuery(q);
  set(out, 'allowWatchBookmarks', boolParam(q, 'allowWatchBookmarks'));
  set(out, 'sendInitialEvents', boolParam(q, 'sendInitialEvents'));
  const t = intParam(q, 'timeoutSeconds');
  if (t !== undefined && t > 0) out.timeoutSeconds = t;
  return out;
}

const validations = new Set<string>(['Strict', 'Warn', 'Ignore']);

// writeOptions reads dryRun, fieldValidation and fieldManager.
export function writeOptions(q: URLSearchParams): WriteOptions {
  const out: WriteOptions = {};
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(d)}: valid values are "All"`);
  if (dry.length > 0) out.dryRun = true;
  const fv = q.get('fieldValidation');
  if (fv !== null && fv !== '') {
    if (!validations.has(fv)) throw badRequest(`fieldValidation parameter unsupported: ${fv}`);
    out.fieldValidation = fv as FieldValidation;
  }
  set(out, 'fieldManager', q.get('fieldManager') || undefined);
  return out;
}

const policies = new Set<string>(['Foreground', 'Background', 'Orphan']);

// deleteOptions merges a DeleteOptions body (may be absent) with the query parameters; the query wins.
export function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const out: DeleteOptions = writeOptions(q);
  if (body && typeof body === 'object') applyDeleteBody(out, body as Record<string, unknown>);
  const pp = q.get('propagationPolicy');
  if (pp) out.propagationPolicy = checkPolicy(pp);
  const g = intParam(q, 'gracePeriodSeconds');
  if (g !== undefined) out.gracePeriodSeconds = g;
  if (boolParam(q, 'orphanDependents') === true && out.propagationPolicy === undefined) out.propagationPolicy = 'Orphan';
  return out;
}

function checkPolicy(p: unknown): PropagationPolicy {
  if (typeof p !== 'string' || !policies.has(p)) throw badRequest(`DeleteOptions.propagationPolicy: Unsupported value: ${JSON.stringify(p)}: supported values: "Foreground", "Background", "Orphan"`);
  return p as PropagationPolicy;
}

function applyDeleteBody(out: DeleteOptions, b: Record<string, unknown>): void {
  if (b['propagationPolicy'] !== undefined && b['propagationPolicy'] !== null) out.propagationPolicy = checkPolicy(b['propagationPolicy']);
  else if (b['orphanDependents'] === true) out.propagationPolicy = 'Orphan';
  if (typeof b['gracePeriodSeconds'] === 'number') out.gracePeriodSeconds = b['gracePeriodSeconds'];
  if (Array.isArray(b['dryRun']) && b['dryRun'].includes('All')) out.dryRun = true;
  const pre = b['preconditions'];
  if (pre && typeof pre === 'object') {
    const p = pre as Record<string, unknown>;
    const pc: NonNullable<DeleteOptions['preconditions']> = {};
    if (typeof p['uid'] === 'string') pc.uid = p['uid'];
    if (typeof p['resourceVersion'] === 'string') pc.resourceVersion = p['resourceVersion'];
    out.preconditions = pc;
  }
}
