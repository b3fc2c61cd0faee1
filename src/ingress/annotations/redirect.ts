// The redirect family: ssl-redirect, force-ssl-redirect, permanent-redirect(-code), temporal-redirect(-code).
import type { AnnotationFamily, FamilyInput } from './family.ts';
import { read } from './family.ts';
import { parseBool, parseNonNegativeInt, parseRedirectUrl } from './values.ts';
import type { Parsed } from './values.ts';

// parseRedirectCode accepts 300..308, the range ingress-nginx validates (anything else keeps the default).
function parseRedirectCode(raw: string): Parsed<number> {
  const n = parseNonNegativeInt(raw);
  if (typeof n !== 'number' || n < 300 || n > 308) return { error: 'must be a redirect status code between 300 and 308' };
  return n;
}

function redirect(input: FamilyInput, urlKey: string, codeKey: string, defaultCode: number): { url: string; code: number } | undefined {
  const url = read(input, urlKey, parseRedirectUrl);
  const code = read(input, codeKey, parseRedirectCode) ?? defaultCode;
  return url === undefined ? undefined : { url, code };
}

export const redirectFamily: AnnotationFamily = {
  name: 'redirect',
  keys: ['ssl-redirect', 'force-ssl-redirect', 'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect', 'temporal-redirect-code'],
  parse(input, config) {
    const ssl = read(input, 'ssl-redirect', parseBool);
    if (ssl !== undefined) config.sslRedirect = ssl;
    config.forceSslRedirect = read(input, 'force-ssl-redirect', parseBool) ?? false;
    const permanent = redirect(input, 'permanent-redirect', 'permanent-redirect-code', 301);
    if (permanent) config.permanentRedirect = permanent;
    const temporal = redirect(input, 'temporal-redirect', 'temporal-redirect-code', 302);
    if (temporal) config.temporalRedirect = temporal;
  },
};
