// Shared setup for the registry's tests: a registry over a MemoryStore with fake dependencies, a
// fixed clock, and the namespaces most tests need.
import { byResource, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject, WatchEvent } from '../../api/types.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import type { ApiError } from '../../lib/errors.ts';
import { isApiError } from '../../lib/errors.ts';
import type { RegistryDeps } from './deps.ts';
import { fakeDeps } from './fake-deps.ts';
import { buildRegistry, type PorticoRegistry } from './registry.ts';

export const NOW = new Date('2026-11-22T08:00:00.123Z');

export function info(group: string, version: string, resource: string): ResourceInfo {
  const i = byResource(group, version, resource);
  if (!i) throw new Error(`no resource ${group}/${version}/${resource}`);
  return i;
}

export const SERVICES = info('', 'v1', 'services');
export const NAMESPACES = info('', 'v1', 'namespaces');
export const CONFIGMAPS = info('', 'v1', 'configmaps');
export const ENDPOINTS = info('', 'v1', 'endpoints');
export const INGRESS_V1 = info('networking.k8s.io', 'v1', 'ingresses');
export const INGRESS_LEGACY = info('extensions', 'v1beta1', 'ingresses');

export interface Setup { store: MemoryStore; reg: PorticoRegistry; deps: RegistryDeps }

export async function setup(opts: { store?: MemoryStore; namespaces?: string[]; historyRevisions?: number; bookmarkIntervalMs?: number } = {}): Promise<Setup> {
  const store = opts.store ?? new MemoryStore(opts.historyRevisions ? { historyRevisions: opts.historyRevisions } : {});
  const deps = fakeDeps();
  const reg = await buildRegistry({
    store, serviceCIDR: '10.96.0.0/24', nodePortRange: { base: 30000, size: 100 }, now: () => NOW,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 50,
  }, deps);
  for (const ns of opts.namespaces ?? (opts.store ? [] : ['default'])) {
    await reg.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  return { store, reg, deps };
}

export function svc(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...meta }, spec: { ports: [{ port: 80 }], ...spec } };
}

export function cm(name: string, data: Record<string, string> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta }, data };
}

// apiError awaits p and returns the ApiError it rejects with (fails when it resolves).
export async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (isApiError(e)) return e;
    throw e;
  }
  throw new Error('expected an ApiError, the call succeeded');
}

// take reads n events from a watch stream, failing after ms.
export async function take(stream: AsyncIterable<WatchEvent>, n: number, ms = 2000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = stream[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${out.length} of ${n} events`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), left); });
    const r = await Promise.race([it.next(), timeout]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`timed out after ${out.length} of ${n} events`);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

// summary renders events as "TYPE name" for compact assertions.
export function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());
}
