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
export async function applyObject(client: ObjectClient, info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<{ result: ApplyResult; object: KubeObject }> {
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
  if (patch === undefined) return { result: 'unchanged', object: live };
  return { result: 'configured', object: await client.patch(info, namespace, name, 'strategic', patch) };
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
      out[k] = v;
    }
  }
  for (const k of Object.keys(last)) {
    if (!(k in desired) && k in live) out[k] = null;
  }
  return out;
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
