// The backend family: how the route reaches its Service (protocol, endpoints or ClusterIP, balancing,
// passthrough, the per-Ingress default backend).
import type { BackendProtocol } from '../contract.ts';
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { isDns1035Label, parseBool, parseEnum } from './values.ts';
import type { Parsed } from './values.ts';

const PROTOCOLS: readonly BackendProtocol[] = ['HTTP', 'HTTPS', 'GRPC', 'GRPCS', 'AUTO_HTTP'];
const BALANCERS = ['round_robin', 'ewma'] as const;

function parseProtocol(raw: string): Parsed<BackendProtocol> {
  const s = raw.trim().toUpperCase();
  if (s === 'AJP' || s === 'FCGI') return { error: `${s} backends are not supported by Portico` };
  return parseEnum(s, PROTOCOLS);
}

// parseHashBy accepts an nginx variable expression ("$request_uri", "${remote_addr}-x"); the core evaluates it.
function parseHashBy(raw: string): Parsed<string> {
  const s = raw.trim();
  if (s === '' || /[\s\x00-\x1f]/.test(s)) return { error: 'must be an nginx variable expression such as "$request_uri"' };
  return s;
}

function parseServiceName(raw: string): Parsed<string> {
  const s = raw.trim();
  return isDns1035Label(s) ? s : { error: 'must be the name of a Service in the Ingress namespace' };
}

export const backendFamily: AnnotationFamily = {
  name: 'backend',
  keys: ['backend-protocol', 'secure-backends', 'service-upstream', 'ssl-passthrough', 'upstream-hash-by', 'load-balance', 'default-backend'],
  parse(input, config) {
    // secure-backends is the seeds' older spelling of backend-protocol: HTTPS; backend-protocol wins.
    if (read(input, 'secure-backends', parseBool) === true) config.backendProtocol = 'HTTPS';
    const protocol = read(input, 'backend-protocol', parseProtocol);
    if (protocol !== undefined) config.backendProtocol = protocol;
    config.serviceUpstream = read(input, 'service-upstream', parseBool) ?? false;
    config.sslPassthrough = read(input, 'ssl-passthrough', parseBool) ?? false;
    const hashBy = read(input, 'upstream-hash-by', parseHashBy);
    if (hashBy !== undefined) config.upstreamHashBy = hashBy;
    config.loadBalance = read(input, 'load-balance', (raw) => parseEnum(raw, BALANCERS)) ?? 'round_robin';
    const defaultBackend = read(input, 'default-backend', parseServiceName);
    if (defaultBackend !== undefined) config.defaultBackend = defaultBackend;
  },
};
