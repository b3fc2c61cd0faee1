// l4Services reads the tcp-services / udp-services ConfigMap of seed 003: each key is a port to
// listen on, each value "namespace/service:port[:PROXY][:PROXY]" (decode PROXY from clients, encode
// PROXY to the backend).
import type { L4Service } from '../types.ts';
import type { Backends } from './backends.ts';

export interface L4Error { key: string; message: string }

export function l4Services(data: Record<string, string> | undefined, protocol: 'TCP' | 'UDP', backends: Backends, errors: L4Error[]): L4Service[] {
  const out: L4Service[] = [];
  for (const [k, v] of Object.entries(data ?? {})) {
    const port = Number(k);
    if (!Number.isInteger(port) || port < 1 || port > 65535) { errors.push({ key: k, message: 'the key is not a port number' }); continue; }
    const m = /^([a-z0-9-]+)\/([a-z0-9.-]+):([A-Za-z0-9-]+)(?::(PROXY)?)?(?::(PROXY)?)?$/.exec(v.trim());
    if (!m) { errors.push({ key: k, message: `"${v}" is not namespace/service:port[:PROXY][:PROXY]` }); continue; }
    const [, ns = '', name = '', sp = ''] = m;
    const portRef = /^\d+$/.test(sp) ? { number: Number(sp) } : { name: sp };
    const upstream = backends.upstream(ns, { name, port: portRef }, 'HTTP', false);
    out.push({ port, protocol, upstream, proxyDecode: m[4] === 'PROXY', proxyEncode: m[5] === 'PROXY', key: `${ns}/${name}:${sp}` });
  }
  return out;
}
