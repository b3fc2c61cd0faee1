// serveCommand is `portico serve`: flags → ServeOptions, then run until SIGINT/SIGTERM.
import { isIP } from 'node:net';
import { ListenError, serve, SERVE_DEFAULTS } from '../agents/serve.ts';
import type { ServeOptions } from '../agents/serve.ts';
import type { Upstream } from '../dns/index.ts';
import { nftablesProblem } from '../proxy/backends/nftables/index.ts';
import { flag, flagAll, flagBool, parseArgs } from './args.ts';
import type { FlagSpec, ParsedArgs } from './args.ts';
import { CliError } from './resources.ts';

const SPECS: FlagSpec[] = [
  { names: ['--data-dir'] }, { names: ['--api-addr'] }, { names: ['--service-cidr'] }, { names: ['--node-port-range'] },
  { names: ['--cluster-domain'] }, { names: ['--node-ip'] }, { names: ['--node-name'] }, { names: ['--pod-cidr'] }, { names: ['--log-level'] },
  { names: ['-f', '--filename'], repeatable: true },
  { names: ['--dns-addr'] }, { names: ['--dns-upstream'] }, { names: ['--proxy-mode'] },
  { names: ['--disable-proxy'], boolean: true }, { names: ['--disable-dns'], boolean: true },
  { names: ['--http-addr'] }, { names: ['--https-addr'] }, { names: ['--ingress-class'] },
  { names: ['--tcp-services-configmap'] }, { names: ['--udp-services-configmap'] }, { names: ['--disable-ingress'], boolean: true },
];

const PROXY_MODES = ['userspace', 'nftables'] as const;

// parseHostPort reads "127.0.0.1:6443" or "[::1]:6443"; flagName names the flag in the error.
export function parseHostPort(addr: string, flagName = '--api-addr'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(addr);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!host || !Number.isInteger(port) || port > 65535) throw new CliError(`invalid ${flagName} "${addr}": want HOST:PORT`);
  return { host, port };
}

// parseUpstreams reads --dns-upstream: "none" (or empty) forwards nowhere, else a comma list of IP[:PORT]
// ("[::1]:53" for IPv6 with a port), port 53 by default.
export function parseUpstreams(text: string): Upstream[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  return text.split(',').map((part) => {
    const t = part.trim();
    const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d+)$/.exec(t);
    const host = m ? (m[1] ?? m[2] ?? '') : t;
    const port = m ? Number(m[3]) : 53;
    if (!isIP(host) || !(port >= 1 && port <= 65535)) throw new CliError(`invalid --dns-upstream "${text}": want IP[:PORT],... or none`);
    return { host, port };
  });
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
    ...dnsOptions(p),
    ...proxyOptions(p),
    ...ingressOptions(p),
  };
}

// ingressOptions reads the Ingress controller's flags (ingress-nginx's names where it has them).
function ingressOptions(p: ParsedArgs): Pick<ServeOptions, 'ingress'> {
  const d = SERVE_DEFAULTS.ingress ?? { httpAddr: '127.0.0.1:8080', httpsAddr: '127.0.0.1:8443', ingressClass: 'portico' };
  const httpAddr = flag(p, 'http-addr') ?? d.httpAddr;
  const httpsAddr = flag(p, 'https-addr') ?? d.httpsAddr;
  for (const [name, v] of [['--http-addr', httpAddr], ['--https-addr', httpsAddr]] as const) {
    const a = parseHostPort(v, name);
    if (!isIP(a.host)) throw new CliError(`invalid ${name} "${v}": the host must be an IP address`);
  }
  const ingressClass = flag(p, 'ingress-class') ?? d.ingressClass;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ingressClass)) throw new CliError(`invalid --ingress-class "${ingressClass}": must be a DNS subdomain name`);
  const cm = (name: string): string | undefined => {
    const v = flag(p, name);
    if (v !== undefined && !/^[a-z0-9][-a-z0-9.]*\/[a-z0-9][-a-z0-9.]*$/.test(v)) throw new CliError(`invalid --${name} "${v}": want NAMESPACE/NAME`);
    return v;
  };
  const tcp = cm('tcp-services-configmap');
  const udp = cm('udp-services-configmap');
  if (flagBool(p, 'disable-ingress')) return {};
  return { ingress: { httpAddr, httpsAddr, ingressClass, tcpServicesConfigMap: tcp, udpServicesConfigMap: udp } };
}

function dnsOptions(p: ParsedArgs): Pick<ServeOptions, 'dns'> {
  const addrText = flag(p, 'dns-addr');
  const upstreamText = flag(p, 'dns-upstream');
  const addr = addrText === undefined ? SERVE_DEFAULTS.dns ?? { host: '127.0.0.1', port: 10053 } : parseHostPort(addrText, '--dns-addr');
  if (addrText !== undefined && !isIP(addr.host)) throw new CliError(`invalid --dns-addr "${addrText}": the host must be an IP address`);
  const upstreams = upstreamText === undefined ? undefined : parseUpstreams(upstreamText);
  if (flagBool(p, 'disable-dns')) return {};
  return { dns: { host: addr.host, port: addr.port, ...(upstreams ? { upstreams } : {}) } };
}

function proxyOptions(p: ParsedArgs): Pick<ServeOptions, 'proxy'> {
  const mode = flag(p, 'proxy-mode') ?? 'userspace';
  const known = PROXY_MODES.find((m) => m === mode);
  if (!known) throw new CliError(`invalid --proxy-mode "${mode}": want one of ${PROXY_MODES.join(', ')}`);
  if (flagBool(p, 'disable-proxy')) return {};
  // nftables: checked here so that `portico serve` stops with one line before it starts anything.
  const problem = known === 'nftables' ? nftablesProblem() : undefined;
  if (problem) throw new CliError(`--proxy-mode nftables: ${problem}`);
  return { proxy: { mode: known } };
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
    if (e instanceof ListenError) throw new CliError(`cannot listen on ${e.address} (${e.flag}): ${describeCode(e.code)}`);
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new CliError(`cannot listen on ${opts.apiHost}:${opts.apiPort}: address already in use`);
    throw e;
  }
  // The DNS line comes first: a reader waiting for the API line has both once it sees it.
  if (running.dns) {
    const host = running.dns.host.includes(':') ? `[${running.dns.host}]` : running.dns.host;
    out(`portico: DNS listening on ${host}:${running.dns.port} (udp+tcp, zone ${opts.clusterDomain})\n`);
  }
  if (running.ingress && opts.ingress) {
    const h = (addr: string) => addr.slice(0, addr.lastIndexOf(':'));
    out(`portico: Ingress listening on http ${h(opts.ingress.httpAddr)}:${running.ingress.httpPort}, https ${h(opts.ingress.httpsAddr)}:${running.ingress.httpsPort} (class ${opts.ingress.ingressClass})\n`);
  }
  out(`portico: API listening on ${running.url} (kubeconfig: ${running.kubeconfig})\n`);
  await running.done;
  return 0;
}

// LISTEN_ERRORS words the bind errors a user can fix.
const LISTEN_ERRORS = new Map([
  ['EADDRINUSE', 'address already in use'],
  ['EACCES', 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)'],
  ['EADDRNOTAVAIL', 'address not available on this host'],
]);

function describeCode(code: string): string { return LISTEN_ERRORS.get(code) ?? code; }
