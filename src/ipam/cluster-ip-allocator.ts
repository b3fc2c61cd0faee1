// ClusterIPAllocator hands out Service ClusterIPs from one CIDR, kube-apiserver's bitmap allocator:
// every address except the network address (and, for IPv4, the broadcast address) is allocatable;
// allocateNext picks a random free address in the upper band first, leaving the lower band for explicit
// requests (KEP-3070). State is in memory only: the API server rebuilds it from Services at start (repair).
import { AllocationError } from './allocation-error.ts';
import { Bitmap, dynamicOffset, pickFree } from './bitmap.ts';
import { cidrNth, cidrOffset, parseCIDR, type CIDR, type IPFamily } from './cidr.ts';

export interface ClusterIPAllocatorOptions {
  cidr: string;
  // random returns a number in [0, 1); tests pass a fixed one. Default Math.random.
  random?: () => number;
}

// MAX_HOST_BITS is kube-apiserver's limit on a service CIDR (mask >= 12 for IPv4, >= 108 for IPv6).
const MAX_HOST_BITS = 20;
const IP_BAND = { min: 16, max: 256, step: 16 };

export class ClusterIPAllocator {
  // cidr is the range in canonical form ("127.96.0.0/12").
  readonly cidr: string;
  readonly family: IPFamily;
  readonly #net: CIDR;
  readonly #bits: Bitmap;
  readonly #offset: number;
  readonly #random: () => number;

  constructor(opts: ClusterIPAllocatorOptions) {
    this.#net = parseCIDR(opts.cidr);
    const hostBits = (this.#net.family === 4 ? 32 : 128) - this.#net.prefix;
    if (hostBits > MAX_HOST_BITS) {
      throw new RangeError(`service CIDR ${this.#net.text} is too large; the mask must be >= ${this.#net.family === 4 ? 12 : 108}`);
    }
    this.cidr = this.#net.text;
    this.family = this.#net.family;
    const size = Number(this.#net.size) - (this.family === 4 ? 2 : 1);
    this.#bits = new Bitmap(Math.max(0, size));
    this.#offset = dynamicOffset(this.#bits.size, IP_BAND);
    this.#random = opts.random ?? Math.random;
  }

  // allocateNext reserves and returns a random free address; it throws AllocationError Full.
  allocateNext(): string {
    const slot = pickFree(this.#bits, this.#offset, this.#random);
    if (slot < 0) throw new AllocationError('Full', 'range is full');
    this.#bits.set(slot);
    return this.#ipOf(slot);
  }

  // allocate reserves ip; it throws AllocationError OutOfRange or Allocated.
  allocate(ip: string): void {
    const slot = this.#slotOf(ip);
    if (slot === undefined) {
      throw new AllocationError('OutOfRange', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
    }
    if (!this.#bits.set(slot)) throw new AllocationError('Allocated', 'provided IP is already allocated');
  }

  // release frees ip; releasing a free or foreign address does nothing.
  release(ip: string): void {
    const slot = this.#slotOf(ip);
    if (slot !== undefined) this.#bits.clear(slot);
  }

  has(ip: string): boolean {
    const slot = this.#slotOf(ip);
    return slot !== undefined && this.#bits.has(slot);
  }

  // contains reports whether ip is allocatable here: inside the CIDR, not its network or broadcast address.
  contains(ip: string): boolean { return this.#slotOf(ip) !== undefined; }

  used(): number { return this.#bits.count; }
  free(): number { return this.#bits.size - this.#bits.count; }

  // allocated lists the reserved addresses in ascending order (for repair and debugging).
  allocated(): string[] {
    const out: string[] = [];
    this.#bits.forEachSet((slot) => out.push(this.#ipOf(slot)));
    return out;
  }

  // nth is the address n after the network address: nth(1) is the `kubernetes` Service's, nth(10) kube-dns's.
  nth(n: number): string { return cidrNth(this.#net, n); }

  #slotOf(ip: string): number | undefined {
    const off = cidrOffset(this.#net, ip);
    if (off === undefined || off === 0n) return undefined;
    const slot = Number(off) - 1;
    return slot < this.#bits.size ? slot : undefined;
  }

  #ipOf(slot: number): string { return cidrNth(this.#net, slot + 1); }
}
