// Template renders an nginx replacement string ("/$2", "https://example.com$request_uri") against a request.
// It is compiled once per route into parts, so rendering is a loop of string appends with no regex work.
import type { RequestContext } from '../contract.ts';

// VARIABLES are the nginx variables a rewrite-target or redirect URL may use.
const VARIABLES: Record<string, (ctx: RequestContext) => string> = {
  request_uri: (ctx) => ctx.path + ctx.query,
  uri: (ctx) => ctx.path,
  args: (ctx) => ctx.query.slice(1),
  query_string: (ctx) => ctx.query.slice(1),
  is_args: (ctx) => (ctx.query === '' ? '' : '?'),
  host: (ctx) => ctx.host,
  http_host: (ctx) => hostHeader(ctx),
  scheme: (ctx) => ctx.scheme,
  remote_addr: (ctx) => ctx.clientIP,
};

// Part is a literal, a capture group number (1..9) or a variable getter.
type Part = string | number | ((ctx: RequestContext) => string);

const TOKEN = /\$(?:([1-9])|\{([a-z_]+)\}|([a-z_]+))/g;

export class Template {
  readonly source: string;
  readonly hasQuery: boolean;          // the replacement sets its own query ("/x?a=1")
  readonly dropArgs: boolean;          // a trailing "?" drops the request's query, as in nginx
  private readonly parts: Part[];

  constructor(source: string) {
    this.dropArgs = source.endsWith('?');
    this.source = this.dropArgs ? source.slice(0, -1) : source;
    this.hasQuery = this.source.includes('?');
    this.parts = compile(this.source);
  }

  // render fills captures from ctx.match (missing groups are empty) and variables from the request.
  render(ctx: RequestContext): string {
    let out = '';
    for (const p of this.parts) {
      if (typeof p === 'string') out += p;
      else if (typeof p === 'number') out += ctx.match?.[p] ?? '';
      else out += p(ctx);
    }
    return out;
  }
}

function compile(source: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    const name = m[2] ?? m[3];
    const getter = name === undefined ? undefined : VARIABLES[name];
    if (m[1] === undefined && getter === undefined) continue;   // not a variable we know: keep it literally
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push(m[1] !== undefined ? Number(m[1]) : (getter as (ctx: RequestContext) => string));
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return parts;
}

// hostHeader is the Host the client sent (with its port), as nginx's $http_host.
export function hostHeader(ctx: RequestContext): string {
  const h = ctx.headers.host ?? ctx.headers[':authority'];
  return typeof h === 'string' && h !== '' ? h : ctx.host;
}
