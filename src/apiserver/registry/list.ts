// listStream is GET on a collection: selectors, limit/continue pagination, resourceVersion semantics, the
// list's resourceVersion. Items come from a store scan in chunks, so a large list never holds the event
// loop for long, and each item keeps the stored JSON text when it needs no conversion (no parse and
// re-stringify per item; selectors parse only to match).
import { apiVersionOf, resourceKey, storageInfo, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject } from '../../api/types.ts';
import { badRequest, gone } from '../../lib/errors.ts';
import type { RawItem, ScanOptions } from '../../store/store.ts';
import { toServed, type RegistryContext } from './context.ts';
import { decodeContinue, encodeContinue, type ContinueToken } from './continue-token.ts';
import type { Selector } from './deps.ts';
import type { ListQuery } from './types.ts';

export const CONTINUE_EXPIRED = 'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time ' +
  'the first chunk was returned and now may show up in the list.';

// ServedItem is one item as served: its JSON text, and the object (a fresh copy the caller owns).
export interface ServedItem { readonly json: string; object(): KubeObject }

// ListStream is a list before its items are read. metadata is complete: continue only exists for limited
// lists, whose page is read before the stream is returned. Consumers iterate chunks to the end or break.
export interface ListStream {
  apiVersion: string;
  kind: string;
  metadata: KubeList['metadata'];
  chunks: AsyncIterable<ServedItem[]>;
}

export async function listStream(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, q: ListQuery = {}): Promise<ListStream> {
  const selects = q.labelSelector?.trim() || q.fieldSelector?.trim() ? ctx.deps.selector(info, q.labelSelector, q.fieldSelector) : undefined;
  const prefix = resourceKey(info, info.namespaced ? namespace : undefined);
  const token = q.continue ? decodeContinue(q.continue) : undefined;
  const opts = scanOptions(ctx, prefix, q, token);
  if (opts.revision !== undefined && !token) await caughtUp(ctx, opts.revision);
  const served = servedItems(ctx, info, selects);
  const limit = q.limit !== undefined && q.limit > 0 ? q.limit : undefined;
  const head = { apiVersion: apiVersionOf(info), kind: info.listKind };
  const iter = ctx.store.scan(prefix, opts)[Symbol.asyncIterator]();
  if (limit !== undefined) {
    const page = await readPage(iter, served, limit);
    const metadata: KubeList['metadata'] = { resourceVersion: String(page.revision) };
    if (page.last !== undefined) {
      metadata.continue = encodeContinue({ rv: page.revision, start: page.last });
      if (!selects) metadata.remainingItemCount = await ctx.store.count(prefix, page.last);
    }
    return { ...head, metadata, chunks: pieces(page.items) };
  }
  const first = await iter.next();
  const revision = first.done ? ctx.store.currentRevision() : first.value.revision;
  return { ...head, metadata: { resourceVersion: String(revision) }, chunks: rest(first.done ? [] : first.value.items, iter, served) };
}

// listObjects is listStream collected into a KubeList (for in-process clients).
export async function listObjects(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, q: ListQuery = {}): Promise<KubeList> {
  const s = await listStream(ctx, info, namespace, q);
  const items: KubeObject[] = [];
  for await (const chunk of s.chunks) for (const it of chunk) items.push(it.object());
  return { apiVersion: s.apiVersion, kind: s.kind, metadata: s.metadata, items };
}

// streamOfList wraps a list already in memory (fakes, tests) as a ListStream of one chunk.
export function streamOfList(list: KubeList): ListStream {
  const items = list.items.map((o): ServedItem => ({ json: JSON.stringify(o), object: () => structuredClone(o) }));
  return { apiVersion: list.apiVersion, kind: list.kind, metadata: list.metadata, chunks: once(items) };
}

// scanOptions maps continue and resourceVersion(Match) to the revision to read, as kube-apiserver does:
// a continue token reads at the token's revision; "" and "0" read the latest; Exact reads at that revision
// (410 when compacted); NotOlderThan (or no match) reads the latest, which must be at least that revision.
function scanOptions(ctx: RegistryContext, prefix: string, q: ListQuery, token: ContinueToken | undefined): ScanOptions {
  const rv = q.resourceVersion ?? '';
  const match = q.resourceVersionMatch ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match !== '' && rv === '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match !== '' && token) throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
  if (match === 'Exact' && rv === '0') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  if (token) {
    if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    if (!token.start.startsWith(prefix)) throw badRequest('continue key is not valid: key is not within the requested prefix');
    if (token.rv < ctx.store.compactedRevision()) throw gone(CONTINUE_EXPIRED);
    return { after: token.start, revision: token.rv };
  }
  if (rv === '' || rv === '0') return {};
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw badRequest(`invalid resource version: ${rv}`);
  // NotOlderThan: the latest state satisfies any n up to it; a larger n fails as too large (504).
  return match === 'Exact' || n > ctx.store.currentRevision() ? { revision: n } : {};
}

interface Page { revision: number; items: ServedItem[]; last: string | undefined }

// readPage reads up to limit matching items; last (the continue key) is set when more rows follow.
async function readPage(iter: AsyncIterator<{ revision: number; items: RawItem[] }>, served: Served, limit: number): Promise<Page> {
  const page: Page = { revision: 0, items: [], last: undefined };
  let lastKey: string | undefined;
  try {
    for (let r = await iter.next(); !r.done; r = await iter.next()) {
      page.revision = r.value.revision;
      for (const raw of r.value.items) {
        if (page.items.length >= limit) { page.last = lastKey; return page; }
        const item = served(raw);
        if (item) { page.items.push(item); lastKey = raw.key; }
      }
    }
    return page;
  } finally {
    await iter.return?.();
  }
}

async function* once(items: ServedItem[]): AsyncGenerator<ServedItem[]> { yield items; }

// PIECE is how many items of a page go out per turn of the event loop (a Table prints each piece).
const PIECE = 100;

// pieces hands a page out PIECE items at a time, letting the event loop run in between.
async function* pieces(items: ServedItem[]): AsyncGenerator<ServedItem[]> {
  for (let i = 0; i < items.length || i === 0; i += PIECE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    yield items.slice(i, i + PIECE);
  }
}

async function* rest(first: RawItem[], iter: AsyncIterator<{ items: RawItem[] }>, served: Served): AsyncGenerator<ServedItem[]> {
  try {
    yield convert(first, served);
    for (let r = await iter.next(); !r.done; r = await iter.next()) yield convert(r.value.items, served);
  } finally {
    await iter.return?.();
  }
}

function convert(raws: RawItem[], served: Served): ServedItem[] {
  const out: ServedItem[] = [];
  for (const raw of raws) { const it = served(raw); if (it) out.push(it); }
  return out;
}

type Served = (raw: RawItem) => ServedItem | undefined;

// servedItems makes the per-item conversion: selectors (when given) parse and match; the stored text is
// served as is when it already starts with the served apiVersion and kind (objects written through the
// registry do), otherwise the object is converted and re-encoded.
function servedItems(ctx: RegistryContext, info: ResourceInfo, selects: Selector | undefined): Served {
  const s = storageInfo(info);
  const v = JSON.stringify(apiVersionOf(s));
  const k = JSON.stringify(s.kind);
  const heads = [`{"apiVersion":${v},"kind":${k},`, `{"kind":${k},"apiVersion":${v},`];
  const verbatim = (text: string): boolean => !info.storage && (text.startsWith(heads[0] ?? '') || text.startsWith(heads[1] ?? ''));
  return (raw) => {
    let parsed: KubeObject | undefined;
    if (selects) {
      parsed = JSON.parse(raw.text) as KubeObject;
      if (!selects(parsed)) return undefined;
    }
    if (verbatim(raw.text)) {
      const text = raw.text;
      let obj = parsed;
      return { json: text, object: () => { const o = obj ?? (JSON.parse(text) as KubeObject); obj = undefined; return o; } };
    }
    const obj = toServed(ctx, info, parsed ?? (JSON.parse(raw.text) as KubeObject));
    return { json: JSON.stringify(obj), object: () => obj };
  };
}

// FRESH_WAIT_MS is how long a list at a revision newer than the store's waits for it (kube-apiserver's watch
// cache blocks 3 s in waitUntilFreshAndBlock) before failing "Too large resource version" (504).
const FRESH_WAIT_MS = 3_000;

// caughtUp waits until the store has committed rev, or FRESH_WAIT_MS passed (the scan then fails 504).
async function caughtUp(ctx: RegistryContext, rev: number): Promise<void> {
  const deadline = performance.now() + FRESH_WAIT_MS;
  while (ctx.store.currentRevision() < rev && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
