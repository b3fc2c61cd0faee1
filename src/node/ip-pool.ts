// PodIPPool hands out pod IPs from the node's pod CIDR (127.244.0.0/16 by default: loopback, so a process
// binds its own address without privileges). The network address, .1 (kept for the node side, as a
// bridge gateway would be) and the last address are never handed out. Allocation is next-free after the
// last handed out, so a deleted pod's IP is not reused at once (clients of the old pod see refusals,
// not a stranger).
import { cidrNth, cidrOffset, parseCIDR } from '../ipam/cidr.ts';
import type { CIDR } from '../ipam/cidr.ts';

export class PodIPPool {
  readonly cidr: CIDR;
  readonly #used = new Set<bigint>();
  readonly #max: bigint;
  #next = 2n;

  constructor(cidr: string) {
    this.cidr = parseCIDR(cidr);
    if (this.cidr.size < 4n) throw new TypeError(`PodIPPool: pod CIDR ${cidr} is too small`);
    this.#max = this.cidr.size - 2n;
  }

  // allocate returns a free IP; `prefer` (a previous run's podIP) is taken when free and in range.
  allocate(prefer?: string): string {
    const p = prefer ? cidrOffset(this.cidr, prefer) : undefined;
    if (p !== undefined && p >= 2n && p <= this.#max && !this.#used.has(p)) {
      this.#used.add(p);
      return cidrNth(this.cidr, p);
    }
    const span = this.#max - 1n;
    for (let i = 0n; i < span; i++) {
      const off = 2n + ((this.#next - 2n + i) % span);
      if (this.#used.has(off)) continue;
      this.#used.add(off);
      this.#next = off + 1n > this.#max ? 2n : off + 1n;
      return cidrNth(this.cidr, off);
    }
    throw new RangeError(`pod CIDR ${this.cidr.text} is full`);
  }

  release(ip: string): void {
    const off = cidrOffset(this.cidr, ip);
    if (off !== undefined) this.#used.delete(off);
  }

  get size(): number { return this.#used.size; }
}
