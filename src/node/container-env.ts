// containerEnv builds a container's environment as the kubelet does: the service links (DNS issue's
// serviceEnv), then envFrom, then env with valueFrom (downward API fieldRef, configMapKeyRef,
// secretKeyRef) and $(VAR) expansion; plus POD_IP and a PATH that starts with the directory of the node
// binary serving Portico, so `command: ["node", ...]` runs the same Node.js. Pure.
import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import { dirname } from 'node:path';
import { serviceEnv } from '../dns/index.ts';

export interface EnvInputs {
  podIP: string;
  hostIP: string;
  services: Iterable<V1Service>;
  // configData returns a ConfigMap's (or decoded Secret's) data, or undefined when missing.
  configData: (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => Record<string, string> | undefined;
}

export function containerEnv(pod: V1Pod, c: V1Container, inp: EnvInputs): Record<string, string> {
  const ns = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: process.env['HOME'] ?? '/',
    HOSTNAME: pod.spec?.hostname ?? pod.metadata?.name ?? '',
    POD_IP: inp.podIP,
  };
  for (const v of serviceEnv(inp.services, { namespace: ns, enableServiceLinks: pod.spec?.enableServiceLinks ?? true })) env[v.name] = v.value ?? '';
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const data = ref?.name ? inp.configData(from.configMapRef ? 'ConfigMap' : 'Secret', ns, ref.name) : undefined;
    for (const [k, v] of Object.entries(data ?? {})) env[(from.prefix ?? '') + k] = v;
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom) env[e.name] = valueFrom(pod, e.valueFrom, inp) ?? '';
    else env[e.name] = expand(e.value ?? '', env);
  }
  return env;
}

function valueFrom(pod: V1Pod, vf: NonNullable<NonNullable<V1Container['env']>[number]['valueFrom']>, inp: EnvInputs): string | undefined {
  const ns = pod.metadata?.namespace ?? 'default';
  if (vf.fieldRef) return fieldValue(pod, vf.fieldRef.fieldPath, inp);
  if (vf.configMapKeyRef) return inp.configData('ConfigMap', ns, vf.configMapKeyRef.name ?? '')?.[vf.configMapKeyRef.key];
  if (vf.secretKeyRef) return inp.configData('Secret', ns, vf.secretKeyRef.name ?? '')?.[vf.secretKeyRef.key];
  return undefined;
}

// fieldValue is the downward API's fieldRef.fieldPath.
export function fieldValue(pod: V1Pod, path: string, inp: Pick<EnvInputs, 'podIP' | 'hostIP'>): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2] ?? ''];
  switch (path) {
    case 'metadata.name': return pod.metadata?.name;
    case 'metadata.namespace': return pod.metadata?.namespace;
    case 'metadata.uid': return pod.metadata?.uid;
    case 'spec.nodeName': return pod.spec?.nodeName;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP': case 'status.podIPs': return inp.podIP;
    case 'status.hostIP': case 'status.hostIPs': return inp.hostIP;
    default: return undefined;
  }
}

// expand replaces $(VAR) with earlier variables (unknown references stay as written; $$ escapes $).
export function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (all === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? '') : all;
  });
}

// containerArgv is command + args with $(VAR) expanded (an empty command means "no runnable entrypoint").
export function containerArgv(c: V1Container, env: Record<string, string>): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])].map((a) => expand(a, env));
}
