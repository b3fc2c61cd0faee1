// strategic-merge applies a Kubernetes strategic merge patch, ported from
// k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch: MergeParallelList and
// IgnoreUnmatchedNulls on). Maps merge key by key and `null` deletes a key; lists whose field is tagged
// patchStrategy=merge merge by their patchMergeKey (or as sets of primitives); other lists are replaced.
// Directives: `$patch: replace|delete` in maps, `$patch: replace|delete` items in merging lists,
// `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
import { elemType, lookupField, type FieldMeta, type TypeRef } from './patch-schema.ts';
import { smpErrors, unprocessable } from './patch-errors.ts';
import { hasOwn, isMap, type JsonMap } from './json-value.ts';
import { elementKind, normalizeElementOrder, partition, validateSetOrder, mergeSortedLists } from './strategic-list.ts';

export const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

// mergeMap merges patch into original (both owned by the caller: they are mutated) at type t.
export function mergeMap(original: JsonMap, patch: JsonMap, t: TypeRef): JsonMap {
  if (hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, t);
  for (const [key, pv] of Object.entries(patch)) {
    const isDeleteList = key.startsWith(DELETE_PRIMITIVE);
    const k = isDeleteList ? extractKey(key, DELETE_PRIMITIVE) : key;
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (!hasOwn(original, k) || !sameShape(ov, pv)) {
      if (!isDeleteList) setCleaned(original, k, pv);
      continue;
    }
    if (isMap(ov) && isMap(pv)) original[k] = mergeMapField(ov, pv, lookupField(t, k));
    else if (Array.isArray(ov) && Array.isArray(pv)) original[k] = mergeListField(ov, pv, lookupField(t, k), isDeleteList);
    else if (!isDeleteList) original[k] = pv;
  }
  return original;
}

// sameShape is Go's reflect.TypeOf equality for JSON values: maps, lists, strings, numbers, booleans.
function sameShape(a: unknown, b: unknown): boolean {
  if (isMap(a) || isMap(b)) return isMap(a) && isMap(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b);
  return typeof a === typeof b;
}

// mapDirective handles `$patch` in a map: replace → the patch itself, delete → an empty map.
function mapDirective(patch: JsonMap): JsonMap {
  const d = patch[DIRECTIVE];
  if (d === 'replace') {
    delete patch[DIRECTIVE];
    const out = cleaned(patch);
    return isMap(out) ? out : {};
  }
  if (d === 'delete') return {};
  throw smpErrors.badPatchType(d, patch);
}

// otherStrategy is a field's strategy besides retainKeys ('' when none), as extractRetainKeysPatchStrategy.
export function otherStrategy(strategies: readonly string[]): string {
  const rest = strategies.filter((s) => s !== 'retainKeys');
  if (rest.length > 1 || strategies.length > 2) throw smpErrors.badPatchType(strategies.join(','), {});
  return rest[0] ?? '';
}

function mergeMapField(ov: JsonMap, pv: JsonMap, meta: FieldMeta): JsonMap {
  if (otherStrategy(meta.strategies) === 'replace') {
    const out = cleaned(pv);
    return isMap(out) ? out : {};
  }
  return mergeMap(ov, pv, meta.type);
}

// mergeListField merges a list whose field is tagged merge (or a $deleteFromPrimitiveList list);
// any other list is replaced by the patch's.
export function mergeListField(ov: unknown[], pv: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (otherStrategy(meta.strategies) === 'merge' || isDeleteList) {
    return mergeSlice(ov, pv, elemType(meta.type), meta.mergeKey, isDeleteList);
  }
  return cleanedList(pv);
}

// mergeSlice merges two lists of the same element kind: primitives as a set (or, for a delete list,
// by removing the patch's values); maps by merge key, honouring `$patch` items. The result keeps the
// patch's order for its items and the original's for the rest.
function mergeSlice(original: unknown[], patch: unknown[], elem: TypeRef, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let p = patch;
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = [...new Set([...original, ...patch])];
  } else {
    if (mergeKey === '') throw smpErrors.noMergeKeyDeclared();
    [orig, p] = withSpecialElements(original, patch, mergeKey);
    merged = withoutSpecialElements(orig, p, mergeKey, elem);
  }
  const [patchItems, serverOnly] = partition(merged, p, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, p, orig, mergeKey, kind);
}

// withSpecialElements applies `{$patch: delete, <key>: v}` items to original and reports
// `{$patch: replace}` (the patch's other items become the whole list); returns (original, patch items).
function withSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const rest: unknown[] = [];
  let orig = original;
  let replace = false;
  for (const v of patch) {
    if (!isMap(v)) throw smpErrors.badArgType('map', v);
    if (!hasOwn(v, DIRECTIVE)) { rest.push(v); continue; }
    const d = v[DIRECTIVE];
    if (d === 'delete') {
      if (!hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
      orig = orig.filter((o) => !(isMap(o) && hasOwn(o, mergeKey) && o[mergeKey] === v[mergeKey]));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw smpErrors.mergeDirectiveInList();
    } else {
      throw smpErrors.badPatchType(d, v);
    }
  }
  return replace ? [cleanedList(rest), []] : [orig, rest];
}

// withoutSpecialElements merges each patch item into the original item with the same merge key value,
// or appends it.
function withoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, elem: TypeRef): unknown[] {
  const out = [...original];
  for (const v of patch) {
    if (!isMap(v)) throw smpErrors.badArgType('map', v);
    if (!hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
    const i = out.findIndex((o) => isMap(o) && hasOwn(o, mergeKey) && o[mergeKey] === v[mergeKey]);
    const found = i >= 0 ? out[i] : undefined;
    if (isMap(found)) out[i] = mergeMap(found, v, elem);
    else out.push(cleaned(v));
  }
  return out;
}

// applyRetainKeys honours `$retainKeys`: every key of original not listed is cleared; every non-null
// key of the patch must be listed.
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw smpErrors.badRetainKeys();
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw unprocessable("patch content doesn't match retainKeys list");
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

// mergeOrderedLists handles each `$setElementOrder/<field>`: merges that field's list now and orders
// it: $setElementOrder first, then the patch's order, then the live order for server-only items.
function mergeOrderedLists(original: JsonMap, patch: JsonMap, t: TypeRef): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw smpErrors.badArgType('slice', order);
    const field = extractKey(key, SET_ORDER);
    const ov = hasOwn(original, field) ? original[field] : undefined;
    const pv = hasOwn(patch, field) ? patch[field] : undefined;
    if (ov === undefined && pv === undefined) continue;
    if (ov !== undefined && !Array.isArray(ov)) throw smpErrors.badArgType('slice', ov);
    if (pv !== undefined && !Array.isArray(pv)) throw smpErrors.badArgType('slice', pv);
    const meta = lookupField(t, field);
    validateSetOrder(pv ?? [], order, meta.mergeKey);
    let merged: unknown[];
    if (ov === undefined) merged = cleanedList(pv ?? []);
    else if (pv === undefined) merged = ov;
    else merged = mergeListField(ov, pv, meta, false);
    original[field] = mergeSortedLists(merged, order, ov ?? [], pv ?? [], meta.mergeKey);
    delete patch[field];
  }
}

// extractKey trims a directive prefix: "$setElementOrder/ports" → "ports".
function extractKey(key: string, prefix: string): string {
  const i = key.indexOf('/');
  if (i < 0 || key.slice(0, i) !== prefix) {
    throw prefix === SET_ORDER ? smpErrors.badSetElementOrder() : smpErrors.badPrimitiveList();
  }
  return key.slice(i + 1);
}

function setCleaned(m: JsonMap, k: string, v: unknown): void {
  const c = cleaned(v);
  if (c === DROP) delete m[k];
  else m[k] = c;
}

const DROP = Symbol('drop');

// cleaned is a patch value taken as is (no original to merge with): nulls discarded, directives
// removed, `$patch: delete` maps and `$patch` list items dropped.
function cleaned(v: unknown): unknown {
  if (Array.isArray(v)) return cleanedList(v);
  if (!isMap(v)) return v;
  if (v[DIRECTIVE] === 'delete') return DROP;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    const c = cleaned(x);
    if (c !== DROP) out[k] = c;
  }
  return out;
}

function cleanedList(list: unknown[]): unknown[] {
  return list.filter((x) => !(isMap(x) && hasOwn(x, DIRECTIVE))).map(cleaned).filter((x) => x !== DROP);
}
