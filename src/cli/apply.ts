// Client-side apply, compatible with kubectl's: the applied configuration is kept in the
// kubectl.kubernetes.io/last-applied-configuration annotation, and a re-apply sends a strategic merge
// patch computed from (last applied, new, live): fields that differ from live are set, fields the last
// apply had and the new one dropped are deleted. Lists are sent whole (merged by key on the server).
import { isDeepStrictEqual } from 'node:util';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import { isNotFound } from '../lib/errors.ts';
import type { ObjectClient } from './object-client.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyResult = 'created' | 'configured' | 'unchanged';
type Json = Record<string, unknown>;

// applyObject creates obj, or patches the live object toward it; namespace is resolved by the caller.
// `adopted` is true when the live object had no last-applied annotation (created imperatively).
export async function applyObject(client: ObjectClient, info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<{ result: ApplyResult; object: KubeObject; adopted?: boolean }> {
  const name = obj.metadata?.name ?? '';
  const desired = withLastApplied(obj);
  let live: KubeObject;
  try {
    live = await client.get(info, namespace, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return { result: 'created', object: await client.create(info, namespace, desired) };
  }
  const lastText = live.metadata?.annotations?.[LAST_APPLIED];
  const last = lastText ? parseJson(lastText) : {};
  const patch = threeWayPatch(last, desired as Json, live as Json);
  const adopted = lastText === undefined;
  if (patch === undefined) return { result: 'unchanged', object: live, adopted };
  return { result: 'configured', object: await client.patch(info, namespace, name, 'strategic', patch), adopted };
}

// withLastApplied is obj with the annotation set to obj's own JSON (annotation excluded), as kubectl writes it.
export function withLastApplied(obj: KubeObject): KubeObject {
  // kubectl's GetModifiedConfiguration leaves `annotations: {}` when the object had none.
  const bare = structuredClone(obj);
  const ann = { ...bare.metadata?.annotations };
  delete ann[LAST_APPLIED];
  bare.metadata = { ...bare.metadata, annotations: ann };
  const out = structuredClone(obj);
  out.metadata = { ...out.metadata, annotations: { ...out.metadata?.annotations, [LAST_APPLIED]: sortedJson(bare) + '\n' } };
  return out;
}

// threeWayPatch is the patch taking live to desired, deleting what last had and desired dropped;
// undefined when live already matches.
export function threeWayPatch(last: Json, desired: Json, live: Json): Json | undefined {
  const p = diff(last, desired, live);
  return Object.keys(p).length === 0 ? undefined : p;
}

function diff(last: Json, desired: Json, live: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(desired)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    const lv = live[k];
    if (isMap(v) && isMap(lv)) {
      const sub = diff(isMap(last[k]) ? last[k] : {}, v, lv);
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if (!isSubset(v, lv)) {
      out[k] = Array.isArray(v) && Array.isArray(lv) ? listPatch(v, Array.isArray(last[k]) ? last[k] : [], lv) : v;
    }
  }
  for (const k of Object.keys(last)) {
    if (!(k in desired) && k in live) out[k] = null;
  }
  return out;
}

// listPatch is the patch of a changed list. A merging list would keep items the user removed, so when
// the last apply had an item the desired list lacks, the list is replaced ({$patch: replace}), each kept
// item carrying its live server-set fields (an allocated nodePort) when it is otherwise unchanged.
function listPatch(desired: unknown[], last: unknown[], live: unknown[]): unknown[] {
  const removed = last.some((item) => !desired.some((d) => isDeepStrictEqual(d, item)));
  if (!removed || !desired.every(isMap) || !last.every(isMap)) return desired;
  const kept = desired.map((d) => live.find((l) => isSubset(d, l)) ?? d);
  return [...kept, { $patch: 'replace' }];
}

// isSubset reports whether every field of want is present, equal, in have (server defaults ignored).
export function isSubset(want: unknown, have: unknown): boolean {
  if (isMap(want)) return isMap(have) && Object.entries(want).every(([k, v]) => isSubset(v, have[k]));
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((v, i) => isSubset(v, have[i]));
  return isDeepStrictEqual(want, have);
}

// sortedJson is JSON with map keys sorted, as Go's encoding/json writes kubectl's annotation.
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => isMap(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
}

function isMap(v: unknown): v is Json { return typeof v === 'object' && v !== null && !Array.isArray(v); }

function parseJson(text: string): Json {
  try { const v: unknown = JSON.parse(text); return isMap(v) ? v : {}; } catch { return {}; }
}
