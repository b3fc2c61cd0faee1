// Helpers shared by the halves of the Store conformance suite.
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.ts';
import { isApiError, type GroupResource } from '../lib/errors.ts';
import type { Store } from './store.ts';

export const SVC: GroupResource = { group: '', resource: 'services' };
export const ING: GroupResource = { group: 'networking.k8s.io', resource: 'ingresses' };
export const TIMEOUT = { timeout: 20_000 };

export function svc(ns: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, uid: `uid-${ns}-${name}` }, spec: { ports: [{ port: 80 }] }, ...extra };
}
export function key(ns: string, name: string): string { return `/registry/services/${ns}/${name}`; }

// withStore opens a store, runs fn and closes the store even when fn fails.
export async function withStore(open: () => Promise<Store>, fn: (s: Store) => Promise<void>): Promise<void> {
  const s = await open();
  try { await fn(s); } finally { await s.close(); }
}

// rejectsWith asserts p rejects with an ApiError of this HTTP code and message.
export async function rejectsWith(p: Promise<unknown>, code: number, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isApiError(e), `want ApiError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}
