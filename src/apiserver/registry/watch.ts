// watchObjects is GET ?watch=1: optional initial ADDED events (resourceVersion ""/"0" or
// sendInitialEvents=true), then every change after the start revision, filtered by the selectors with
// Kubernetes' transition rules, plus periodic BOOKMARKs when asked. A start revision older than the
// store's history fails with 410 before any event.
import { apiVersionOf, resourceKey, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject, WatchEvent } from '../../api/types.ts';
import { badRequest, gone, isApiError } from '../../lib/errors.ts';
import type { StoreEvent } from '../../store/store.ts';
import { toServed, type RegistryContext } from './context.ts';
import type { Selector } from './deps.ts';
import { EventQueue } from './event-queue.ts';
import type { WatchQuery } from './types.ts';

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

interface Start { from: number; initial: KubeObject[] }

export async function watchObjects(ctx: RegistryContext, info: ResourceInfo, namespace: string | undefined, q: WatchQuery, signal: AbortSignal): Promise<AsyncIterable<WatchEvent>> {
  const selects = ctx.deps.selector(info, q.labelSelector, q.fieldSelector);
  const prefix = resourceKey(info, info.namespaced ? namespace : undefined);
  const start = await startOf(ctx, prefix, q, selects);
  return stream(ctx, info, prefix, q, selects, start, signal);
}

async function startOf(ctx: RegistryContext, prefix: string, q: WatchQuery, selects: Selector): Promise<Start> {
  const rv = q.resourceVersion ?? '';
  const fromNow = rv === '' || rv === '0';
  if (q.sendInitialEvents ?? fromNow) {
    const res = await ctx.store.list(prefix, { filter: selects });
    return { from: res.revision, initial: res.items };
  }
  if (fromNow) return { from: ctx.store.currentRevision(), initial: [] };
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw badRequest(`invalid resource version: ${rv}`);
  const compacted = ctx.store.compactedRevision();
  if (n < compacted) throw gone(`too old resource version: ${n} (${compacted})`);
  return { from: n, initial: [] };
}

async function* stream(ctx: RegistryContext, info: ResourceInfo, prefix: string, q: WatchQuery, selects: Selector, start: Start, signal: AbortSignal): AsyncGenerator<WatchEvent> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  if (q.timeoutSeconds !== undefined && q.timeoutSeconds > 0) timers.push(setTimeout(stop, q.timeoutSeconds * 1000).unref());
  const queue = new EventQueue<WatchEvent>();
  ac.signal.addEventListener('abort', () => {
    for (const t of timers) clearTimeout(t);
    queue.close();
  }, { once: true });
  let lastRV = start.from;
  if (q.allowWatchBookmarks) {
    timers.push(setInterval(() => queue.push(bookmark(info, lastRV)), ctx.bookmarkIntervalMs).unref());
  }
  const everything = !q.labelSelector && !q.fieldSelector;
  const pump = (async () => {
    try {
      for await (const ev of ctx.store.watch(prefix, start.from, ac.signal)) {
        lastRV = ev.revision;
        const out = everything ? shared(ctx, info, ev) : transition(ctx, info, ev, selects);
        if (out) queue.push(out);
      }
    } catch (e) {
      if (!ac.signal.aborted) queue.push(errorEvent(e));
    } finally {
      queue.close();
    }
  })();
  try {
    if (signal.aborted) return;
    for (const obj of start.initial) yield { type: 'ADDED', object: toServed(ctx, info, obj) };
    if (q.sendInitialEvents && q.allowWatchBookmarks) yield bookmark(info, start.from, true);
    for (let ev = await queue.next(); ev !== undefined; ev = await queue.next()) yield ev;
  } finally {
    signal.removeEventListener('abort', stop);
    ac.abort();
    await pump;
  }
}

// SHARED_EVENTS bounds each registry's cache of served watch events (see shared).
const SHARED_EVENTS = 1024;
const sharedEvents = new WeakMap<RegistryContext, Map<string, WatchEvent>>();

// shared is the event every watch of info without selectors sees for ev: converted once and handed to
// all of them (one JSON.parse and one conversion per event instead of one per watcher; the HTTP layer
// likewise encodes a shared object once). Consumers must treat its object as read-only.
function shared(ctx: RegistryContext, info: ResourceInfo, ev: StoreEvent): WatchEvent {
  let cache = sharedEvents.get(ctx);
  if (!cache) { cache = new Map(); sharedEvents.set(ctx, cache); }
  const key = `${info.group}/${info.version}/${info.resource}@${ev.revision}`;
  let out = cache.get(key);
  if (!out) {
    out = { type: ev.type, object: toServed(ctx, info, ev.object) };
    cache.set(key, out);
    if (cache.size > SHARED_EVENTS) for (const k of cache.keys()) { cache.delete(k); break; }
  }
  return out;
}

// transition maps a store event to what a selective watcher sees: an object entering the selection is
// ADDED, one leaving it is DELETED (its previous state at the event's revision), others pass or vanish.
function transition(ctx: RegistryContext, info: ResourceInfo, ev: StoreEvent, selects: Selector): WatchEvent | undefined {
  const cur = selects(ev.object);
  if (ev.type !== 'MODIFIED') return cur ? { type: ev.type, object: toServed(ctx, info, ev.object) } : undefined;
  const prev = ev.prevObject ? selects(ev.prevObject) : cur;
  if (cur) return { type: prev ? 'MODIFIED' : 'ADDED', object: toServed(ctx, info, ev.object) };
  if (!prev || !ev.prevObject) return undefined;
  const last = structuredClone(ev.prevObject);
  if (last.metadata) last.metadata.resourceVersion = String(ev.revision);
  return { type: 'DELETED', object: toServed(ctx, info, last) };
}

function bookmark(info: ResourceInfo, rv: number, initialEnd = false): WatchEvent {
  const metadata = initialEnd ? { resourceVersion: String(rv), annotations: { [INITIAL_EVENTS_END]: 'true' } } : { resourceVersion: String(rv) };
  return { type: 'BOOKMARK', object: { kind: info.kind, apiVersion: apiVersionOf(info), metadata } };
}

// errorEvent is the ERROR event a watch ends with when the store fails it (e.g. 410 after compaction).
function errorEvent(e: unknown): WatchEvent {
  const status = isApiError(e) ? e.toStatus() : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(e), reason: 'InternalError', code: 500 };
  return { type: 'ERROR', object: status as unknown as KubeObject };
}
