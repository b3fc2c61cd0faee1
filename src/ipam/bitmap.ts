// Bitmap is a fixed-size set of small integers [0, size) with a free-slot search that skips full words.

export class Bitmap {
  readonly size: number;
  readonly #words: Uint32Array;
  #count = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`bitmap size must be a non-negative integer, not ${size}`);
    this.size = size;
    this.#words = new Uint32Array(Math.ceil(size / 32));
  }

  get count(): number { return this.#count; }

  has(i: number): boolean { return ((this.#words[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0; }

  // set marks i; it returns false if i was already set.
  set(i: number): boolean {
    if (this.has(i)) return false;
    this.#words[i >>> 5] = (this.#words[i >>> 5] ?? 0) | (1 << (i & 31));
    this.#count++;
    return true;
  }

  // clear unmarks i; it returns false if i was not set.
  clear(i: number): boolean {
    if (!this.has(i)) return false;
    this.#words[i >>> 5] = (this.#words[i >>> 5] ?? 0) & ~(1 << (i & 31));
    this.#count--;
    return true;
  }

  // findClear returns the first clear index in [start, hi), then wraps to [lo, start); -1 if none.
  findClear(lo: number, hi: number, start: number): number {
    const a = this.#scan(start, hi);
    return a >= 0 ? a : this.#scan(lo, start);
  }

  #scan(from: number, to: number): number {
    let i = from;
    while (i < to) {
      if ((i & 31) === 0 && i + 32 <= to && this.#words[i >>> 5] === 0xffffffff) { i += 32; continue; }
      if (!this.has(i)) return i;
      i++;
    }
    return -1;
  }

  // forEachSet calls fn for every set index, in order.
  forEachSet(fn: (i: number) => void): void {
    for (let w = 0; w < this.#words.length; w++) {
      const word = this.#words[w] ?? 0;
      if (word === 0) continue;
      for (let b = 0; b < 32; b++) if (word & (1 << b)) fn(w * 32 + b);
    }
  }
}

// dynamicOffset is where the dynamic (random) band starts in a range of `size` slots: the lower band
// [0, offset) is left for explicit requests first, as KEP-3070 (ClusterIPs: min 16, max 256, step 16) and
// KEP-3668 (NodePorts: min 16, max 128, step 32) do: min(max(min, size/step), max), or 0 for tiny ranges.
export function dynamicOffset(size: number, band: { min: number; max: number; step: number }): number {
  if (size < band.min) return 0;
  return Math.min(Math.max(band.min, Math.floor(size / band.step)), band.max);
}

// pickFree chooses a random clear slot, trying the upper band [offset, size) before the lower [0, offset).
export function pickFree(bits: Bitmap, offset: number, random: () => number): number {
  const size = bits.size;
  if (offset < size) {
    const upper = bits.findClear(offset, size, offset + Math.floor(random() * (size - offset)));
    if (upper >= 0) return upper;
  }
  if (offset > 0) return bits.findClear(0, offset, Math.floor(random() * offset));
  return -1;
}
