// serveCommand is `portico serve`: flags → ServeOptions, then run until SIGINT/SIGTERM.
import { isIP } from 'node:net';
import { serve, SERVE_DEFAULTS } from '../agents/serve.ts';
import type { ServeOptions } from '../agents/serve.ts';
import { flag, flagAll, parseArgs } from './args.ts';
import type { FlagSpec } from './args.ts';
import { CliError } from './resources.ts';

const SPECS: FlagSpec[] = [
  { names: ['--data-dir'] }, { names: ['--api-addr'] }, { names: ['--service-cidr'] }, { names: ['--node-port-range'] },
  { names: ['--cluster-domain'] }, { names: ['--node-ip'] }, { names: ['--node-name'] }, { names: ['--pod-cidr'] }, { names: ['--log-level'] },
  { names: ['-f', '--filename'], repeatable: true },
];

// parseHostPort reads "127.0.0.1:6443" or "[::1]:6443".
export function parseHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(addr);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!host || !Number.isInteger(port) || port > 65535) throw new CliError(`invalid --api-addr "${addr}": want HOST:PORT`);
  return { host, port };
}

// parsePortRange reads "30000-32767" into base and size.
export function parsePortRange(text: string): { base: number; size: number } {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new CliError(`invalid --node-port-range "${text}": want LOW-HIGH within 1-65535`);
  return { base: lo, size: hi - lo + 1 };
}

export function serveOptions(argv: readonly string[]): ServeOptions {
  const p = parseArgs(argv, SPECS);
  if (p.positionals.length > 0) throw new CliError(`serve takes no arguments, got "${p.positionals.join(' ')}"`);
  const addr = parseHostPort(flag(p, 'api-addr') ?? `${SERVE_DEFAULTS.apiHost}:${SERVE_DEFAULTS.apiPort}`);
  const nodeIP = flag(p, 'node-ip') ?? SERVE_DEFAULTS.nodeIP;
  if (!isIP(nodeIP)) throw new CliError(`invalid --node-ip "${nodeIP}"`);
  return {
    dataDir: flag(p, 'data-dir') ?? SERVE_DEFAULTS.dataDir,
    apiHost: addr.host, apiPort: addr.port,
    serviceCIDR: flag(p, 'service-cidr') ?? SERVE_DEFAULTS.serviceCIDR,
    nodePortRange: parsePortRange(flag(p, 'node-port-range') ?? '30000-32767'),
    clusterDomain: flag(p, 'cluster-domain') ?? SERVE_DEFAULTS.clusterDomain,
    nodeIP,
    nodeName: flag(p, 'node-name') ?? SERVE_DEFAULTS.nodeName,
    podCIDR: flag(p, 'pod-cidr') ?? SERVE_DEFAULTS.podCIDR ?? '127.244.0.0/16',
    manifests: flagAll(p, 'filename'),
    logLevel: flag(p, 'log-level') ?? SERVE_DEFAULTS.logLevel,
  };
}

// serveCommand runs Portico in the foreground; it resolves (exit code 0) once a signal stopped it.
export async function serveCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const opts = serveOptions(argv);
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let running;
  try {
    running = await serve(opts, ac.signal);
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new CliError(`cannot listen on ${opts.apiHost}:${opts.apiPort}: address already in use`);
    throw e;
  }
  out(`portico: API listening on ${running.url} (kubeconfig: ${running.kubeconfig})\n`);
  await running.done;
  return 0;
}
