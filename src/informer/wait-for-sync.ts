// waitForSync resolves true once every informer has synced, or false if the signal aborts first.

// Syncable is the part of an Informer waitForSync needs (any Informer<T> fits).
export interface Syncable { whenSynced(signal?: AbortSignal): Promise<void>; hasSynced(): boolean }

export async function waitForSync(informers: readonly Syncable[], signal: AbortSignal): Promise<boolean> {
  await Promise.all(informers.map((i) => i.whenSynced(signal)));
  return !signal.aborted && informers.every((i) => i.hasSynced());
}
