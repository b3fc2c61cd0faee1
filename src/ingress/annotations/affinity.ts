// The session-affinity family: affinity: cookie and its session-cookie-* settings. The core's upstream
// selection reads config.affinity; the cookie options are ignored unless affinity is "cookie".
import type { HashKind, RouteAnnotations } from '../contract.ts';
import { DEFAULT_SESSION_COOKIE_NAME } from './defaults.ts';
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { isHeaderName, parseEnum, parseNonNegativeInt, parsePath } from './values.ts';
import type { Parsed } from './values.ts';

const HASHES: readonly HashKind[] = ['md5', 'sha1', 'index'];

// parseCookieName accepts an RFC 6265 cookie-name (an HTTP token).
function parseCookieName(raw: string): Parsed<string> {
  const s = raw.trim();
  return isHeaderName(s) ? s : { error: 'must be a cookie name (letters, digits and !#$%&\'*+-.^_`|~)' };
}

export const affinityFamily: AnnotationFamily = {
  name: 'affinity',
  keys: ['affinity', 'session-cookie-name', 'session-cookie-path', 'session-cookie-max-age', 'session-cookie-expires', 'session-cookie-hash'],
  parse(input, config) {
    const kind = read(input, 'affinity', (raw) => parseEnum(raw, ['cookie'] as const));
    if (kind !== 'cookie') return;
    const affinity: NonNullable<RouteAnnotations['affinity']> = {
      cookieName: read(input, 'session-cookie-name', parseCookieName) ?? DEFAULT_SESSION_COOKIE_NAME,
      // session-cookie-hash: seed 003 documents MD5 (default), SHA1 and Index.
      hash: read(input, 'session-cookie-hash', (raw) => parseEnum(raw, HASHES)) ?? 'md5',
    };
    const path = read(input, 'session-cookie-path', parsePath);
    if (path !== undefined) affinity.path = path;
    // maxAge and expires are seconds, as ingress-nginx's session-cookie-max-age and -expires.
    const maxAge = read(input, 'session-cookie-max-age', parseNonNegativeInt);
    if (maxAge !== undefined) affinity.maxAge = maxAge;
    const expires = read(input, 'session-cookie-expires', parseNonNegativeInt);
    if (expires !== undefined) affinity.expires = expires;
    config.affinity = affinity;
  },
};
