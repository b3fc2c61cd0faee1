// PortAllocator hands out NodePorts from [base, base+size), kube-apiserver's bitmap allocator: allocateNext
// picks a random free port in the upper band first, leaving the lower band for explicit requests (KEP-3668).
// State is in memory only: the API server rebuilds it from Services at start (repair).
import { AllocationError } from './allocation-error.ts';
import { Bitmap, dynamicOffset, pickFree } from './bitmap.ts';

export interface PortAllocatorOptions {
  base: number;
  size: number;
  // random returns a number in [0, 1); tests pass a fixed one. Default Math.random.
  random?: () => number;
}

const PORT_BAND = { min: 16, max: 128, step: 32 };

// parsePortRange parses "30000-32767" (or a single port "30000") into PortAllocator options.
export function parsePortRange(s: string): { base: number; size: number } {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s.trim());
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new TypeError(`invalid port range: ${JSON.stringify(s)}`);
  return { base: lo, size: hi - lo + 1 };
}

export class PortAllocator {
  readonly base: number;
  readonly size: number;
  // range is "base-last", the way errors and flags show it ("30000-32767").
  readonly range: string;
  readonly #bits: Bitmap;
  readonly #offset: number;
  readonly #random: () => number;

  constructor(opts: PortAllocatorOptions) {
    const { base, size } = opts;
    if (!Number.isInteger(base) || !Number.isInteger(size) || base < 1 || size < 1 || base + size - 1 > 65535) {
      throw new RangeError(`invalid port range: base ${base}, size ${size}`);
    }
    this.base = base;
    this.size = size;
    this.range = `${base}-${base + size - 1}`;
    this.#bits = new Bitmap(size);
    this.#offset = dynamicOffset(size, PORT_BAND);
    this.#random = opts.random ?? Math.random;
  }

  // allocateNext reserves and returns a random free port; it throws AllocationError Full.
  allocateNext(): number {
    const slot = pickFree(this.#bits, this.#offset, this.#random);
    if (slot < 0) throw new AllocationError('Full', 'range is full');
    this.#bits.set(slot);
    return this.base + slot;
  }

  // allocate reserves port; it throws AllocationError OutOfRange or Allocated.
  allocate(port: number): void {
    if (!this.contains(port)) {
      throw new AllocationError('OutOfRange', `provided port is not in the valid range. The range of valid ports is ${this.range}`);
    }
    if (!this.#bits.set(port - this.base)) throw new AllocationError('Allocated', 'provided port is already allocated');
  }

  // release frees port; releasing a free or foreign port does nothing.
  release(port: number): void { if (this.contains(port)) this.#bits.clear(port - this.base); }
  has(port: number): boolean { return this.contains(port) && this.#bits.has(port - this.base); }
  contains(port: number): boolean { return Number.isInteger(port) && port >= this.base && port < this.base + this.size; }
  used(): number { return this.#bits.count; }
  free(): number { return this.size - this.#bits.count; }

  // allocated lists the reserved ports in ascending order.
  allocated(): number[] {
    const out: number[] = [];
    this.#bits.forEachSet((slot) => out.push(this.base + slot));
    return out;
  }
}
