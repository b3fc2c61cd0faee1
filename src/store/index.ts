// The store package: the Store seam, its implementations and the shared conformance suite.
export type { ListOptions, ListResult, Preconditions, RawItem, ScanChunk, ScanOptions, Store, StoreEvent, StoreEventType, TryUpdate } from './store.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { runStoreConformance } from './store-conformance.ts';
export { storeEventText } from './watch-hub.ts';
