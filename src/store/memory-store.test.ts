import { MemoryStore } from './memory-store.ts';
import { runStoreConformance } from './store-conformance.ts';

runStoreConformance('memory', async () => new MemoryStore({ historyRevisions: 50 }));
