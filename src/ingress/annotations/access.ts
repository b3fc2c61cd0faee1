// The access family: whitelist-source-range (403 outside it) and the rate limits (503 past them).
import type { AnnotationFamily, FamilyInput } from './family.ts';
import { read } from './family.ts';
import { isValueError, parseCidr, parseNonNegativeInt, splitList } from './values.ts';
import type { Parsed } from './values.ts';

// cidrList keeps the valid entries and reports the others. When no entry is valid the raw entries are kept:
// they match no client, so a mistyped allowlist fails closed (403 for everyone) instead of allowing all.
function cidrList(input: FamilyInput, keys: readonly string[], failClosed: boolean): string[] {
  const key = keys.find((k) => input.get(k) !== undefined);
  if (key === undefined) return [];
  const raw = splitList(input.get(key) ?? '');
  const valid: string[] = [];
  const bad: string[] = [];
  for (const entry of raw) {
    const c = parseCidr(entry);
    if (isValueError(c)) bad.push(entry);
    else valid.push(c);
  }
  if (bad.length > 0) input.invalid(key, `${bad.map((b) => `"${b}"`).join(', ')}: not an IP address or CIDR`);
  if (raw.length === 0) input.invalid(key, 'must be a comma-separated list of CIDRs');
  if (valid.length === 0 && failClosed && raw.length > 0) return raw;
  return valid;
}

function positive(raw: string): Parsed<number> {
  const n = parseNonNegativeInt(raw);
  if (typeof n === 'number' && n === 0) return { error: 'must be a positive integer' };
  return n;
}

export const accessFamily: AnnotationFamily = {
  name: 'access',
  keys: ['whitelist-source-range', 'allowlist-source-range', 'limit-rps', 'limit-rpm', 'limit-connections',
    'limit-whitelist', 'limit-allowlist', 'limit-burst-multiplier'],
  parse(input, config) {
    config.whitelistSourceRange = cidrList(input, ['allowlist-source-range', 'whitelist-source-range'], true);
    // A limit of 0 means no limit, as in ingress-nginx.
    const rps = read(input, 'limit-rps', parseNonNegativeInt);
    if (rps) config.limitRps = rps;
    const rpm = read(input, 'limit-rpm', parseNonNegativeInt);
    if (rpm) config.limitRpm = rpm;
    const conns = read(input, 'limit-connections', parseNonNegativeInt);
    if (conns) config.limitConnections = conns;
    config.limitWhitelist = cidrList(input, ['limit-allowlist', 'limit-whitelist'], false);
    const burst = read(input, 'limit-burst-multiplier', positive);
    if (burst !== undefined) config.limitBurstMultiplier = burst;
  },
};
