// strategic-list orders merged lists as strategicpatch does: items named by the patch (or by a
// $setElementOrder list) in that order, server-only items in their live order, the two interleaved
// by the live order where both appear in it (mergeSortedSlice).
import { smpErrors, kindOf } from './patch-errors.ts';
import { hasOwn, isMap } from './json-value.ts';

// ElementKind is the kind shared by a list's elements: 'map', or a primitive kind.
export type ElementKind = string;

const DIRECTIVE = '$patch';

// elementKind is the one kind of all elements of the lists (sliceElementType); lists of lists and
// mixed kinds are refused.
export function elementKind(...lists: unknown[][]): ElementKind {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (k === 'slice') throw smpErrors.noListOfLists();
      if (kind !== undefined && kind !== k) throw smpErrors.elementTypes();
      kind = k;
    }
  }
  return kind ?? 'invalid';
}

// keyOf is the value a list item is matched by: its merge key's value, or itself for primitives.
function keyOf(item: unknown, mergeKey: string): unknown {
  if (mergeKey === '') return item;
  return isMap(item) ? item[mergeKey] : undefined;
}

function indexIn(list: readonly unknown[], item: unknown, mergeKey: string): number {
  const want = keyOf(item, mergeKey);
  return list.findIndex((v) => keyOf(v, mergeKey) === want);
}

function requireMergeKey(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const v of list) {
      if (!isMap(v)) throw smpErrors.badArgType('map', v);
      if (!hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
    }
  }
}

// partition splits items into (present in `by`, not present), matching by merge key or value.
export function partition(items: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  if (mergeKey !== '') requireMergeKey(mergeKey, items);
  const inBy: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of items) (indexIn(by, v, mergeKey) >= 0 ? inBy : rest).push(v);
  return [inBy, rest];
}

// normalizeSliceOrder sorts toSort by the position of each item in order (stable; items missing from
// order first); for maps, `$patch: delete` items go last.
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let keep = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    requireMergeKey(mergeKey, toSort, order);
    keep = toSort.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((v) => isMap(v) && v[DIRECTIVE] === 'delete');
  }
  const ranked = keep.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey) }));
  ranked.sort((a, b) => (a.at - b.at) || (a.i - b.i));
  return [...ranked.map((r) => r.v), ...toDelete];
}

// normalizeElementOrder sorts the patch's items by patchOrder and the server-only items by
// serverOrder, then interleaves them (normalizeElementOrder in strategicpatch).
export function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[],
  serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey);
}

// mergeSortedSlice inserts each server-only item (left) into the patch items (right): a left item
// goes first only when both are in the live list and it comes earlier there.
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) { out.push(right[j++]); continue; }
    if (j >= right.length) { out.push(left[i++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey);
    const ri = indexIn(serverOrder, right[j], mergeKey);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

// validateSetOrder checks that the patch list's items (deletions aside) appear in the same relative
// order in the $setElementOrder list.
export function validateSetOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const v of patchList) if (!isMap(v)) throw smpErrors.badArgType('map', v);
    items = patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
  }
  let pi = 0;
  let oi = 0;
  while (pi < items.length && oi < order.length) {
    const item = items[pi];
    if (isMap(item) && hasOwn(item, DIRECTIVE)) { pi++; continue; }
    if (mergeKey !== '') requireMergeKey(mergeKey, [item, order[oi]]);
    if (keyOf(item, mergeKey) === keyOf(order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < items.length) throw smpErrors.orderMismatch();
}

// mergeSortedLists orders a list merged under a $setElementOrder directive: items named by the
// directive in its order, the rest in live order.
export function mergeSortedLists(merged: unknown[], order: unknown[], live: unknown[], patchList: unknown[], mergeKey: string): unknown[] {
  const kind = elementKind(live, patchList);
  if (kind === 'invalid') return merged;
  const [named, serverOnly] = partition(merged, order, mergeKey);
  return normalizeElementOrder(named, serverOnly, order, live, mergeKey, kind);
}
