// IP helpers for DNS: address bytes, reverse-lookup names, and the dashed form pod names use.
import { isIPv4, isIPv6 } from 'node:net';

// ipBytes returns the 4 or 16 network-order bytes of an IP address, or undefined when it is not one.
export function ipBytes(ip: string): Uint8Array | undefined {
  if (isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  if (isIPv6(ip)) return ipv6Bytes(ip);
  return undefined;
}

function ipv6Bytes(ip: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = ip;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail?.[1]) {
    const b = v4tail[1].split('.').map(Number);
    text = `${text.slice(0, -v4tail[1].length)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const hs = head ? head.split(':') : [];
  const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = [...hs, ...new Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[i * 2] = v >> 8; out[i * 2 + 1] = v & 0xff; });
  return out;
}

// reverseName is the PTR owner of an IP: d.c.b.a.in-addr.arpa, or the 32 nibbles of ip6.arpa.
export function reverseName(ip: string): string | undefined {
  const b = ipBytes(ip);
  if (!b) return undefined;
  if (b.length === 4) return `${b[3]}.${b[2]}.${b[1]}.${b[0]}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) {
    const v = b[i] ?? 0;
    nibbles.push((v & 0xf).toString(16), (v >> 4).toString(16));
  }
  return `${nibbles.join('.')}.ip6.arpa`;
}

// dashedIP is the label form of an IP used for pod names and unnamed endpoints: 10-1-2-3, fd00--1.
export function dashedIP(ip: string): string {
  return ip.toLowerCase().replaceAll(/[.:]/g, '-');
}

// ipFromDashed parses a dashed label back into an IP (a-b-c-d or an IPv6 address with ':' as '-').
export function ipFromDashed(label: string): { ip: string; family: 4 | 6 } | undefined {
  const v4 = label.replaceAll('-', '.');
  if (isIPv4(v4)) return { ip: v4, family: 4 };
  const v6 = label.replaceAll('-', ':');
  if (isIPv6(v6)) return { ip: v6, family: 6 };
  return undefined;
}

// ipFamily is 4, 6 or undefined for anything that is not an IP address.
export function ipFamily(ip: string): 4 | 6 | undefined {
  return isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : undefined;
}
