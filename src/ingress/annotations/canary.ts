// The canary family: canary: "true" marks the Ingress as the alternative backend of the main Ingress with the
// same host and path; the core picks it by header, then cookie, then weight (ingress-nginx's precedence).
import type { RouteAnnotations } from '../contract.ts';
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { isHeaderName, isHeaderValue, parseBool, parseNonNegativeInt } from './values.ts';
import type { Parsed } from './values.ts';

function parseToken(what: string): (raw: string) => Parsed<string> {
  return (raw) => {
    const s = raw.trim();
    return isHeaderName(s) ? s : { error: `must be a ${what}` };
  };
}

function parseHeaderValue(raw: string): Parsed<string> {
  return raw !== '' && isHeaderValue(raw) ? raw : { error: 'must be a non-empty header value' };
}

export const canaryFamily: AnnotationFamily = {
  name: 'canary',
  keys: ['canary', 'canary-by-header', 'canary-by-header-value', 'canary-by-cookie', 'canary-weight', 'canary-weight-total'],
  parse(input, config) {
    if (read(input, 'canary', parseBool) !== true) return;
    const total = read(input, 'canary-weight-total', (raw) => {
      const n = parseNonNegativeInt(raw);
      return n === 0 ? { error: 'must be a positive integer' } : n;
    }) ?? 100;
    const weight = read(input, 'canary-weight', (raw) => parseNonNegativeInt(raw, total)) ?? 0;
    // weight is a percentage; canary-weight-total only rescales canary-weight.
    const canary: NonNullable<RouteAnnotations['canary']> = { weight: (weight * 100) / total };
    const byHeader = read(input, 'canary-by-header', parseToken('header name'));
    if (byHeader !== undefined) {
      canary.byHeader = byHeader;
      // canary-by-header-value has no effect without canary-by-header (ingress-nginx).
      const value = read(input, 'canary-by-header-value', parseHeaderValue);
      if (value !== undefined) canary.byHeaderValue = value;
    }
    const byCookie = read(input, 'canary-by-cookie', parseToken('cookie name'));
    if (byCookie !== undefined) canary.byCookie = byCookie;
    config.canary = canary;
  },
};
