// kubeconfig reading (the server URL and namespace of the current context) and writing (serve's file).
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError } from './resources.ts';

export interface KubeTarget { server: string; namespace: string }

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; context?: T }

// defaultKubeconfigPath is $KUBECONFIG (its first entry), else .portico/kubeconfig.
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const k = env['KUBECONFIG'];
  return k ? (k.split(':')[0] ?? k) : '.portico/kubeconfig';
}

// resolveTarget is where a client command talks to, as kubectl decides it: --server (namespace "default"),
// else the current context of --kubeconfig, $KUBECONFIG or .portico/kubeconfig; --namespace overrides.
export function resolveTarget(flags: { server: string | undefined; kubeconfig: string | undefined; namespace: string | undefined }): KubeTarget & { explicitNs: boolean } {
  const t = flags.server ? { server: flags.server, namespace: 'default' } : readKubeTarget(flags.kubeconfig ?? defaultKubeconfigPath());
  return { server: t.server, namespace: flags.namespace ?? t.namespace, explicitNs: flags.namespace !== undefined };
}

// readKubeTarget returns the current context's server and namespace.
export function readKubeTarget(path: string): KubeTarget {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch {
    throw new CliError(`cannot read kubeconfig ${path} (is "portico serve" running? use --kubeconfig or --server)`);
  }
  const cfg = (parse(text) ?? {}) as Record<string, unknown>;
  const ctxName = cfg['current-context'];
  const contexts = (cfg['contexts'] ?? []) as Named<{ cluster?: string; namespace?: string }>[];
  const ctx = contexts.find((c) => c.name === ctxName)?.context ?? contexts[0]?.context;
  const clusters = (cfg['clusters'] ?? []) as Named<{ server?: string }>[];
  const cluster = clusters.find((c) => c.name === ctx?.cluster)?.cluster ?? clusters[0]?.cluster;
  if (!cluster?.server) throw new CliError(`kubeconfig ${path} names no cluster server`);
  return { server: cluster.server, namespace: ctx?.namespace ?? 'default' };
}

// writeKubeconfig writes (atomically) a kubeconfig with cluster, user and context "portico".
export function writeKubeconfig(path: string, server: string): void {
  const cfg = {
    apiVersion: 'v1', kind: 'Config', preferences: {},
    // insecure-skip-tls-verify: client-node refuses a plain-http server without it; kubectl ignores it for http.
    clusters: [{ name: 'portico', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'portico', user: {} }],
    contexts: [{ name: 'portico', context: { cluster: 'portico', user: 'portico', namespace: 'default' } }],
    'current-context': 'portico',
  };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify(cfg), { mode: 0o600 });
  renameSync(tmp, path);
}
