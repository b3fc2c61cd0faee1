// The informer folder's public surface.
export { Informer } from './informer.ts';
export type { InformerOptions, EventHandlers } from './informer.ts';
export { Indexer } from './indexer.ts';
export type { IndexFunc } from './indexer.ts';
export { waitForSync } from './wait-for-sync.ts';
export type { Syncable } from './wait-for-sync.ts';
export { deepFreeze } from './freeze.ts';
export { objectKey, keyOf, splitKey } from '../client/object-key.ts';
export type { ObjectKey } from '../client/object-key.ts';
