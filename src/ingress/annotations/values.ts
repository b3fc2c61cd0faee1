// Value parsers for annotation strings, each following the syntax ingress-nginx (and nginx) accept.
// A parser returns the value or a ValueError whose message completes "invalid value: …"; it never throws.
import { isIP } from 'node:net';

export interface ValueError { readonly error: string }
export type Parsed<T> = T | ValueError;

export function isValueError(v: unknown): v is ValueError {
  return typeof v === 'object' && v !== null && 'error' in v;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

// parseBool accepts what Go's strconv.ParseBool accepts, as ingress-nginx does.
export function parseBool(raw: string): Parsed<boolean> {
  const s = raw.trim();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return { error: 'must be "true" or "false"' };
}

// parseNonNegativeInt accepts a plain decimal integer (ingress-nginx's GetIntAnnotation), optionally bounded.
export function parseNonNegativeInt(raw: string, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const s = raw.trim();
  if (!/^\d+$/.test(s)) return { error: 'must be a non-negative integer' };
  const n = Number(s);
  if (n > max) return { error: `must be at most ${max}` };
  return n;
}

// parseSeconds reads a timeout: unitless seconds, as ingress-nginx documents ("120" is two minutes).
export function parseSeconds(raw: string): Parsed<number> {
  const s = raw.trim();
  if (!/^\d+$/.test(s)) return { error: 'must be a whole number of seconds, e.g. "30"' };
  return Number(s) * 1000;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

// parseSize reads an nginx size ("0", "512", "8k", "1m", "2G") into bytes.
export function parseSize(raw: string): Parsed<number> {
  const m = /^(\d+)([kKmMgG]?)$/.exec(raw.trim());
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) return { error: 'must be an nginx size such as "0", "512", "8k" or "1m"' };
  return Number(m[1]) * unit;
}

// parseEnum matches case-insensitively and returns the canonical spelling.
export function parseEnum<T extends string>(raw: string, allowed: readonly T[]): Parsed<T> {
  const s = raw.trim().toLowerCase();
  for (const a of allowed) if (a.toLowerCase() === s) return a;
  return { error: `must be one of ${allowed.join(', ')}` };
}

// splitList splits a comma-separated annotation value, dropping empty items.
export function splitList(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const s = part.trim();
    if (s !== '') out.push(s);
  }
  return out;
}

// parseCidr checks one allowlist entry: an address ("10.0.0.1", "::1") or a CIDR ("10.0.0.0/24").
export function parseCidr(raw: string): Parsed<string> {
  const slash = raw.indexOf('/');
  const addr = slash < 0 ? raw : raw.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return { error: `"${raw}" is not an IP address or CIDR` };
  if (slash < 0) return family === 4 ? `${addr}/32` : `${addr}/128`;
  const prefix = raw.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return { error: `"${raw}" has an invalid prefix length` };
  return `${addr}/${Number(prefix)}`;
}

// parseRedirectUrl checks an absolute http(s) URL for redirects (nginx variables such as $request_uri may follow).
export function parseRedirectUrl(raw: string): Parsed<string> {
  const s = raw.trim();
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: 'must be an http or https URL' };
  } catch {
    return { error: 'must be an absolute URL, e.g. "https://example.com/new"' };
  }
  return s;
}

// parsePath checks a URI path (app-root, session-cookie-path): it starts with "/" and has no spaces or controls.
export function parsePath(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!/^\/[^\s\x00-\x1f\x7f]*$/.test(s)) return { error: 'must be a path starting with "/"' };
  return s;
}

// isHeaderName is RFC 9110's token; isHeaderValue forbids CR, LF and NUL (header injection).
export function isHeaderName(s: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s);
}
export function isHeaderValue(s: string): boolean {
  return !/[\r\n\0]/.test(s);
}

// isDns1035Label is a Service name (what default-backend names).
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);
}
