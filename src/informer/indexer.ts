// Indexer is the informer's cache: objects by key, plus named indexes (value → keys) kept in step on
// every set/delete, so lookups by index are O(matches), never a scan.
import type { KubeObject } from '../api/types.ts';
import { objectKey } from '../client/object-key.ts';

// IndexFunc returns the index values of an object (e.g. its namespace, its owner's uid).
export type IndexFunc<T> = (obj: T) => string[];

interface Index<T> { fn: IndexFunc<T>; values: Map<string, Set<string>> }

export class Indexer<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexes = new Map<string, Index<T>>();

  // addIndex registers an index and indexes the objects already cached.
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.#indexes.has(name)) throw new Error(`Indexer: index ${name} already exists`);
    const idx: Index<T> = { fn, values: new Map() };
    this.#indexes.set(name, idx);
    for (const [key, obj] of this.#items) addTo(idx, key, obj);
  }

  hasIndex(name: string): boolean { return this.#indexes.has(name); }

  byIndex(name: string, value: string): T[] {
    const idx = this.#indexes.get(name);
    if (!idx) throw new Error(`Indexer: no index ${name}`);
    const out: T[] = [];
    for (const key of idx.values.get(value) ?? []) {
      const o = this.#items.get(key);
      if (o) out.push(o);
    }
    return out;
  }

  get(key: string): T | undefined { return this.#items.get(key); }
  list(): T[] { return [...this.#items.values()]; }
  get size(): number { return this.#items.size; }

  // set stores obj under its key and returns the object it replaced.
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const prev = this.#items.get(key);
    for (const idx of this.#indexes.values()) {
      if (prev) removeFrom(idx, key, prev);
      addTo(idx, key, obj);
    }
    this.#items.set(key, obj);
    return prev;
  }

  // delete removes the object under key and returns it.
  delete(key: string): T | undefined {
    const prev = this.#items.get(key);
    if (!prev) return undefined;
    for (const idx of this.#indexes.values()) removeFrom(idx, key, prev);
    this.#items.delete(key);
    return prev;
  }
}

function addTo<T>(idx: Index<T>, key: string, obj: T): void {
  for (const v of idx.fn(obj)) {
    let keys = idx.values.get(v);
    if (!keys) idx.values.set(v, keys = new Set());
    keys.add(key);
  }
}

function removeFrom<T>(idx: Index<T>, key: string, obj: T): void {
  for (const v of idx.fn(obj)) {
    const keys = idx.values.get(v);
    keys?.delete(key);
    if (keys?.size === 0) idx.values.delete(v);
  }
}
