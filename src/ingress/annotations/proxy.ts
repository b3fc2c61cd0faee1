// The proxy family: proxy-body-size, the timeouts and proxy-next-upstream(-tries).
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { parseNonNegativeInt, parseSeconds, parseSize } from './values.ts';
import type { Parsed } from './values.ts';

const NEXT_UPSTREAM = new Set(['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504',
  'http_403', 'http_404', 'http_429', 'non_idempotent', 'off']);

// parseNextUpstream reads nginx's proxy_next_upstream list ("error timeout http_502"); "off" disables retries.
function parseNextUpstream(raw: string): Parsed<string[]> {
  const list = raw.trim().split(/\s+/).filter((s) => s !== '');
  const bad = list.filter((s) => !NEXT_UPSTREAM.has(s));
  if (list.length === 0 || bad.length > 0) return { error: `must be a space-separated list of ${[...NEXT_UPSTREAM].join(', ')}` };
  if (list.includes('off') && list.length > 1) return { error: '"off" cannot be combined with other conditions' };
  return list;
}

export const proxyFamily: AnnotationFamily = {
  name: 'proxy',
  keys: ['proxy-body-size', 'proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout', 'proxy-next-upstream', 'proxy-next-upstream-tries'],
  parse(input, config) {
    const size = read(input, 'proxy-body-size', parseSize);
    if (size !== undefined) config.proxyBodySize = size;
    config.connectTimeoutMs = read(input, 'proxy-connect-timeout', parseSeconds) ?? config.connectTimeoutMs;
    config.readTimeoutMs = read(input, 'proxy-read-timeout', parseSeconds) ?? config.readTimeoutMs;
    config.sendTimeoutMs = read(input, 'proxy-send-timeout', parseSeconds) ?? config.sendTimeoutMs;
    const on = read(input, 'proxy-next-upstream', parseNextUpstream) ?? config.nextUpstream.on;
    // tries 0 means unlimited in nginx; the upstream's endpoint count bounds it anyway.
    const tries = read(input, 'proxy-next-upstream-tries', parseNonNegativeInt) ?? config.nextUpstream.tries;
    config.nextUpstream = { tries, on: on.includes('off') ? [] : on };
  },
};
