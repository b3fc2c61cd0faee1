// PROXY protocol headers (HAProxy's spec, versions 1 and 2) carrying the real client address to the pod.
import { isIPv4 } from 'node:net';
import type { ProxyProtocolVersion } from '../../model/service-port.ts';

export interface ProxyAddresses {
  sourceIP: string;
  sourcePort: number;
  destIP: string;
  destPort: number;
}

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

// proxyProtocolHeader returns the header for a TCP connection; IPv4-mapped IPv6 addresses count as IPv4.
export function proxyProtocolHeader(version: ProxyProtocolVersion, a: ProxyAddresses): Buffer {
  const src = unmap(a.sourceIP);
  const dst = unmap(a.destIP);
  const v4 = isIPv4(src) && isIPv4(dst);
  return version === 'v1' ? v1(a, src, dst, v4) : v2(a, src, dst, v4);
}

function v1(a: ProxyAddresses, src: string, dst: string, v4: boolean): Buffer {
  return Buffer.from(`PROXY ${v4 ? 'TCP4' : 'TCP6'} ${v4 ? src : toV6(src)} ${v4 ? dst : toV6(dst)} ${a.sourcePort} ${a.destPort}\r\n`, 'latin1');
}

function v2(a: ProxyAddresses, src: string, dst: string, v4: boolean): Buffer {
  const addrLen = v4 ? 12 : 36;
  const b = Buffer.alloc(16 + addrLen);
  V2_SIGNATURE.copy(b, 0);
  b[12] = 0x21; // version 2, command PROXY
  b[13] = v4 ? 0x11 : 0x21; // AF_INET or AF_INET6, STREAM
  b.writeUInt16BE(addrLen, 14);
  const ipLen = v4 ? 4 : 16;
  writeIP(b, 16, v4 ? src : toV6(src), v4);
  writeIP(b, 16 + ipLen, v4 ? dst : toV6(dst), v4);
  b.writeUInt16BE(a.sourcePort, 16 + 2 * ipLen);
  b.writeUInt16BE(a.destPort, 18 + 2 * ipLen);
  return b;
}

function unmap(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

// toV6 writes an IPv4 address as IPv4-mapped IPv6 (when the other side is IPv6).
function toV6(ip: string): string { return isIPv4(ip) ? `::ffff:${ip}` : ip; }

function writeIP(b: Buffer, off: number, ip: string, v4: boolean): void {
  if (v4) {
    const parts = ip.split('.');
    for (let i = 0; i < 4; i++) b[off + i] = Number(parts[i]);
    return;
  }
  const groups = expandV6(ip);
  for (let i = 0; i < 8; i++) b.writeUInt16BE(groups[i] ?? 0, off + 2 * i);
}

// expandV6 returns the eight 16-bit groups of an IPv6 address (with an optional dotted IPv4 tail).
export function expandV6(ip: string): number[] {
  let s = ip;
  const tail: number[] = [];
  const dot = s.lastIndexOf(':');
  if (isIPv4(s.slice(dot + 1))) {
    const p = s.slice(dot + 1).split('.').map(Number);
    tail.push(((p[0] ?? 0) << 8) | (p[1] ?? 0), ((p[2] ?? 0) << 8) | (p[3] ?? 0));
    s = s.slice(0, dot + 1) + '0:0';
  }
  const [head = '', rest] = s.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest === undefined ? [] : new Array<string>(8 - h.length - r.length).fill('0');
  const groups = [...h, ...fill, ...r].map((g) => parseInt(g, 16));
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}
