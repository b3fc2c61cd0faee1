// The CORS family: enable-cors and the cors-* settings, with ingress-nginx's defaults.
import type { RouteAnnotations } from '../contract.ts';
import { DEFAULT_CORS } from './defaults.ts';
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { parseBool, parseNonNegativeInt, splitList } from './values.ts';
import type { Parsed } from './values.ts';

const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/;

// parseOrigins accepts "*" or a list of http(s)://host[:port] origins, "*." allowed as one leading label.
function parseOrigins(raw: string): Parsed<string> {
  const list = splitList(raw);
  if (list.length === 0) return { error: 'must be "*" or a comma-separated list of origins' };
  const bad = list.filter((o) => o !== '*' && !ORIGIN.test(o));
  if (bad.length > 0) return { error: `${bad.map((b) => `"${b}"`).join(', ')}: an origin is http(s)://host[:port], optionally http(s)://*.domain` };
  return list.includes('*') ? '*' : list.join(', ');
}

function listOf(pattern: RegExp, what: string): (raw: string) => Parsed<string> {
  return (raw) => {
    const list = splitList(raw);
    if (list.length === 0 || !list.every((x) => pattern.test(x))) return { error: `must be a comma-separated list of ${what}` };
    return list.join(', ');
  };
}

const parseMethods = listOf(/^[A-Za-z]+$/, 'HTTP methods');
const parseHeaders = listOf(/^(\*|[A-Za-z0-9_-]+)$/, 'header names');

export const corsFamily: AnnotationFamily = {
  name: 'cors',
  keys: ['enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-allow-credentials', 'cors-max-age'],
  parse(input, config) {
    if (read(input, 'enable-cors', parseBool) !== true) return;
    const cors: NonNullable<RouteAnnotations['cors']> = {
      allowOrigin: read(input, 'cors-allow-origin', parseOrigins) ?? DEFAULT_CORS.allowOrigin,
      allowMethods: read(input, 'cors-allow-methods', parseMethods) ?? DEFAULT_CORS.allowMethods,
      allowHeaders: read(input, 'cors-allow-headers', parseHeaders) ?? DEFAULT_CORS.allowHeaders,
      allowCredentials: read(input, 'cors-allow-credentials', parseBool) ?? DEFAULT_CORS.allowCredentials,
      maxAge: read(input, 'cors-max-age', parseNonNegativeInt) ?? DEFAULT_CORS.maxAge,
    };
    const expose = read(input, 'cors-expose-headers', parseHeaders);
    if (expose !== undefined) cors.exposeHeaders = expose;
    config.cors = cors;
  },
};
