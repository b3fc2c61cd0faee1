// Claims keeps, per contested key, every party that wants it, sorted by rank: the first owns the key.
// planL4 visits ports in ServicePortName order, so the smallest name wins; keeping all contenders lets
// the incremental planner hand the key to the next one when the owner goes away, as planL4 would.
// Almost every key has one contender, so the lists are short and a linear insert is enough.

export class Claims<K, V> {
  readonly #byKey = new Map<K, V[]>();
  readonly #rank: (v: V) => string;

  // rank orders the contenders (the smallest owns); it is also their identity within a key.
  constructor(rank: (v: V) => string) { this.#rank = rank; }

  // add records v as a contender for key; it returns false (and changes nothing) when a contender of the
  // same rank is already there.
  add(key: K, v: V): boolean {
    const r = this.#rank(v);
    let list = this.#byKey.get(key);
    if (!list) { this.#byKey.set(key, [v]); return true; }
    let i = 0;
    while (i < list.length && this.#rank(list[i] as V) < r) i++;
    if (i < list.length && this.#rank(list[i] as V) === r) return false;
    list.splice(i, 0, v);
    return true;
  }

  // remove drops the contender of rank r for key, if any.
  remove(key: K, r: string): void {
    const list = this.#byKey.get(key);
    if (!list) return;
    const i = list.findIndex((v) => this.#rank(v) === r);
    if (i < 0) return;
    if (list.length === 1) this.#byKey.delete(key); else list.splice(i, 1);
  }

  // owner returns the contender that owns key.
  owner(key: K): V | undefined { return this.#byKey.get(key)?.[0]; }

  // contenders returns every contender for key, owner first; shared, read-only.
  contenders(key: K): readonly V[] { return this.#byKey.get(key) ?? []; }
}
