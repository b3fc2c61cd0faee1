// IP and CIDR math over bigint, for IPv4 and IPv6. Pure; strings in, strings out in canonical form
// (dotted quad; RFC 5952 for IPv6: lower case, longest zero run compressed).
import { isIPv4 as netIsIPv4, isIPv6 as netIsIPv6 } from 'node:net';

export type IPFamily = 4 | 6;

// CIDR is a parsed network: family, network address, prefix length, size (addresses) and canonical text.
export interface CIDR {
  readonly family: IPFamily;
  readonly network: bigint;
  readonly prefix: number;
  readonly size: bigint;
  readonly text: string;
}

// isIPv4 accepts dotted quads without leading zeros ("10.0.0.1"), as kube-apiserver's IP validation does.
export function isIPv4(s: string): boolean { return netIsIPv4(s); }
// isIPv6 accepts IPv6 text without a zone ("fe80::1%eth0" is refused).
export function isIPv6(s: string): boolean { return !s.includes('%') && netIsIPv6(s); }
export function isIP(s: string): boolean { return isIPv4(s) || isIPv6(s); }
export function ipFamily(s: string): IPFamily | undefined { return isIPv4(s) ? 4 : isIPv6(s) ? 6 : undefined; }

function bitsOf(f: IPFamily): number { return f === 4 ? 32 : 128; }

// ipToBigInt parses an IP string; it throws TypeError for anything isIP refuses.
export function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return v4ToBigInt(ip);
  if (isIPv6(ip)) return v6ToBigInt(ip);
  throw new TypeError(`invalid IP address: ${JSON.stringify(ip)}`);
}

function v4ToBigInt(ip: string): bigint {
  let n = 0n;
  for (const part of ip.split('.')) n = (n << 8n) | BigInt(Number(part));
  return n;
}

function v6ToBigInt(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded dotted quad ("::ffff:1.2.3.4") becomes its two 16-bit groups.
    const v4 = Number(v4ToBigInt(text.slice(lastColon + 1)));
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const [head = '', rest] = text.split('::');
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const zeros = Array<number>(8 - left.length - right.length).fill(0);
  let n = 0n;
  for (const g of [...left, ...zeros, ...right]) n = (n << 16n) | BigInt(g);
  return n;
}

// bigIntToIP renders n as an address of the family, canonically.
export function bigIntToIP(n: bigint, family: IPFamily): string {
  if (n < 0n || n >= 1n << BigInt(bitsOf(family))) throw new RangeError(`${n} is not an IPv${family} address`);
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

// canonicalIP returns ip in canonical form ("2001:DB8:0::1" → "2001:db8::1"); it throws TypeError if invalid.
export function canonicalIP(ip: string): string {
  const f = ipFamily(ip);
  if (!f) throw new TypeError(`invalid IP address: ${JSON.stringify(ip)}`);
  return bigIntToIP(ipToBigInt(ip), f);
}

// parseCIDR parses "a.b.c.d/n" or "x::/n"; host bits are masked off ("10.0.0.7/8" is 10.0.0.0/8, as Go's
// net.ParseCIDR gives). It throws TypeError for a malformed CIDR.
export function parseCIDR(s: string): CIDR {
  const slash = s.indexOf('/');
  const ip = slash < 0 ? '' : s.slice(0, slash);
  const bitsText = slash < 0 ? '' : s.slice(slash + 1);
  const family = ipFamily(ip);
  if (!family || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > bitsOf(family)) {
    throw new TypeError(`invalid CIDR address: ${JSON.stringify(s)}`);
  }
  const prefix = Number(bitsText);
  const hostBits = BigInt(bitsOf(family) - prefix);
  const network = (ipToBigInt(ip) >> hostBits) << hostBits;
  return { family, network, prefix, size: 1n << hostBits, text: `${bigIntToIP(network, family)}/${prefix}` };
}

// cidrContains reports whether ip (a string of any family) lies inside c.
export function cidrContains(c: CIDR, ip: string): boolean {
  if (ipFamily(ip) !== c.family) return false;
  const n = ipToBigInt(ip);
  return n >= c.network && n < c.network + c.size;
}

// cidrNth is the address at offset n from the network address (0 is the network itself).
export function cidrNth(c: CIDR, n: number | bigint): string {
  const off = BigInt(n);
  if (off < 0n || off >= c.size) throw new RangeError(`offset ${n} is outside ${c.text}`);
  return bigIntToIP(c.network + off, c.family);
}

// cidrOffset is ip's offset from the network address of c, or undefined when ip is outside c.
export function cidrOffset(c: CIDR, ip: string): bigint | undefined {
  return cidrContains(c, ip) ? ipToBigInt(ip) - c.network : undefined;
}
