// podResolvConf is the resolv.conf content a pod gets, after the kubelet's dnsPolicy rules: ClusterFirst
// (the default) points at the cluster DNS with the pod's search path, Default is the node's own file,
// None is only spec.dnsConfig, and a hostNetwork pod falls back to Default unless the policy is
// ClusterFirstWithHostNet. spec.dnsConfig nameservers, searches and options are merged in. Without a
// cluster DNS address ClusterFirst also falls back to the node's file, as the kubelet does. Pure.
//
// Host processes cannot get /etc/resolv.conf replaced, so the node agent writes this content to a file
// in the pod's directory and names it in PORTICO_RESOLV_CONF; resolvers that honour it (or a
// LOCALDOMAIN/RES_OPTIONS aware libc) can use it, others keep the host's resolver.
import type { V1Pod } from '@kubernetes/client-node';
import { resolvConf } from '../dns/index.ts';

export interface PodDnsInputs {
  clusterDNS: readonly string[];        // the cluster DNS Service's IP(s); empty when none runs
  clusterDomain: string;
  hostResolvConf: string;               // the node's /etc/resolv.conf text
}

export function podResolvConf(pod: V1Pod, inp: PodDnsInputs): string {
  const spec = pod.spec;
  const policy = spec?.dnsPolicy ?? 'ClusterFirst';
  const host = parseResolvConf(inp.hostResolvConf);
  let base: ParsedResolvConf;
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !spec?.hostNetwork);
  if (policy === 'None') base = { nameservers: [], searches: [], options: [] };
  else if (clusterFirst && inp.clusterDNS.length > 0) {
    base = parseResolvConf(resolvConf({ nameserver: inp.clusterDNS, namespace: pod.metadata?.namespace ?? 'default', zone: inp.clusterDomain, hostSearches: host.searches }));
  } else base = host;
  const dc = spec?.dnsConfig;
  const nameservers = unique([...base.nameservers, ...(dc?.nameservers ?? [])]).slice(0, 3);
  const searches = unique([...base.searches, ...(dc?.searches ?? [])]).slice(0, 32);
  const options = mergeOptions(base.options, (dc?.options ?? []).map((o) => (o.value !== undefined ? `${o.name ?? ''}:${o.value}` : o.name ?? '')));
  return [
    ...(searches.length ? [`search ${searches.join(' ')}`] : []),
    ...nameservers.map((s) => `nameserver ${s}`),
    ...(options.length ? [`options ${options.join(' ')}`] : []),
    '',
  ].join('\n');
}

interface ParsedResolvConf { nameservers: string[]; searches: string[]; options: string[] }

export function parseResolvConf(text: string): ParsedResolvConf {
  const out: ParsedResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

// mergeOptions lets a dnsConfig option replace the base option of the same name (ndots:5 → ndots:2).
function mergeOptions(base: string[], extra: string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...base, ...extra]) if (o) byName.set(o.split(':')[0] ?? o, o);
  return [...byName.values()];
}

function unique(xs: string[]): string[] { return [...new Set(xs.filter((x) => x !== ''))]; }
