// CidrSet answers "is this client address in one of these CIDRs". IPv4 clients (also IPv4-mapped IPv6,
// "::ffff:10.0.0.1") are checked in plain JS against (network, mask) pairs without allocating; IPv6 clients go
// to node's BlockList. Entries that do not parse match nothing, so a mistyped allowlist denies instead of
// allowing everyone.
import { BlockList, isIP } from 'node:net';

export class CidrSet {
  readonly size: number;
  private readonly v4: Array<{ net: number; mask: number }> = [];
  private readonly v6 = new BlockList();
  private readonly hasV6: boolean;

  constructor(cidrs: readonly string[]) {
    let v6 = 0;
    for (const c of cidrs) {
      const [addr = '', prefix] = c.split('/');
      const family = isIP(addr);
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (family === 4 && bits >= 0 && bits <= 32) {
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        this.v4.push({ net: (ipv4ToInt(addr, 0) & mask) >>> 0, mask });
      } else if (family === 6 && bits >= 0 && bits <= 128) {
        this.v6.addSubnet(addr, bits, 'ipv6');
        v6++;
      }
    }
    this.hasV6 = v6 > 0;
    this.size = this.v4.length + v6;
  }

  has(ip: string): boolean {
    const start = ip.startsWith('::ffff:') ? 7 : 0;
    const n = ipv4ToInt(ip, start);
    if (n >= 0) {
      for (const r of this.v4) if (((n & r.mask) >>> 0) === r.net) return true;
      return false;
    }
    return this.hasV6 && isIP(ip) === 6 && this.v6.check(ip, 'ipv6');
  }
}

// ipv4ToInt parses a dotted quad from `start` to the end of s; -1 when s is not one.
function ipv4ToInt(s: string, start: number): number {
  let out = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      out = out * 256 + part;
      part = 0; digits = 0; dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return out * 256 + part;
}
