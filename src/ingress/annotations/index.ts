// parseAnnotations decodes an Ingress's annotations once into typed RouteAnnotations, with ingress-nginx's
// defaults. Three prefixes are accepted; when one name appears under several, portico.dev/ wins, then
// nginx.ingress.kubernetes.io/, then the seeds' ingress.kubernetes.io/. A bad value keeps that field's default
// and becomes an AnnotationError (the core turns it into an Event); everything else still applies.
import type { AnnotationError, AnnotationLookups, ParsedAnnotations } from '../contract.ts';
import { accessFamily } from './access.ts';
import { affinityFamily } from './affinity.ts';
import { backendFamily } from './backend.ts';
import { canaryFamily } from './canary.ts';
import { corsFamily } from './cors.ts';
import { customHeadersFamily } from './custom-headers.ts';
import { defaultRouteAnnotations } from './defaults.ts';
import type { AnnotationFamily, FamilyInput } from './family.ts';
import { hstsFamily } from './hsts.ts';
import { proxyFamily } from './proxy.ts';
import { redirectFamily } from './redirect.ts';
import { rewriteFamily } from './rewrite.ts';
import { NO_EFFECT, UNSUPPORTED } from './unsupported.ts';

export { defaultRouteAnnotations } from './defaults.ts';

// PREFIXES in precedence order, highest first. The longer nginx prefix is tested before its suffix.
export const PREFIXES = ['portico.dev/', 'nginx.ingress.kubernetes.io/', 'ingress.kubernetes.io/'] as const;

export const FAMILIES: readonly AnnotationFamily[] = [
  rewriteFamily, redirectFamily, backendFamily, affinityFamily, accessFamily, corsFamily, canaryFamily,
  customHeadersFamily, proxyFamily, hstsFamily,
];

// KNOWN_ANNOTATIONS are the unprefixed names Portico implements.
export const KNOWN_ANNOTATIONS: ReadonlySet<string> = new Set(FAMILIES.flatMap((f) => f.keys));

interface Found { full: string; value: string; rank: number }

function splitPrefix(key: string): { name: string; rank: number } | undefined {
  for (let rank = 0; rank < PREFIXES.length; rank++) {
    const p = PREFIXES[rank] as string;
    if (key.startsWith(p)) return { name: key.slice(p.length), rank };
  }
  return undefined;
}

// collect picks, per unprefixed name, the value under the highest-precedence prefix.
function collect(raw: Record<string, string>): Map<string, Found> {
  const found = new Map<string, Found>();
  for (const [full, value] of Object.entries(raw)) {
    const p = splitPrefix(full);
    if (!p) continue;
    const prev = found.get(p.name);
    // String(): the API guarantees strings, but a hand-made object (tests, other sources) must not crash us.
    if (!prev || p.rank < prev.rank) found.set(p.name, { full, value: String(value), rank: p.rank });
  }
  return found;
}

function unknownError(name: string, f: Found): AnnotationError | undefined {
  if (KNOWN_ANNOTATIONS.has(name) || NO_EFFECT.has(name)) return undefined;
  if (UNSUPPORTED.has(name)) return { annotation: f.full, value: f.value, message: `${name} is an ingress-nginx annotation not supported by Portico; ignored` };
  const near = closest(name);
  const hint = near ? `; did you mean ${near}?` : '';
  return { annotation: f.full, value: f.value, message: `unknown annotation ${name}${hint}` };
}

export function parseAnnotations(raw: Record<string, string> | undefined, lookups: AnnotationLookups): ParsedAnnotations {
  const config = defaultRouteAnnotations();
  const errors: AnnotationError[] = [];
  if (!raw) return { config, errors };
  const found = collect(raw);
  for (const [name, f] of found) {
    const e = unknownError(name, f);
    if (e) errors.push(e);
  }
  const input: FamilyInput = {
    lookups,
    get: (key) => found.get(key)?.value,
    invalid: (key, message) => {
      const f = found.get(key);
      errors.push({ annotation: f?.full ?? key, value: f?.value ?? '', message: `invalid value: ${message}` });
    },
  };
  for (const family of FAMILIES) family.parse(input, config);
  return { config, errors };
}

// closest suggests a known name within edit distance 2 of a mistyped one.
function closest(name: string): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of KNOWN_ANNOTATIONS) {
    const d = editDistance(name, k, bestD);
    if (d < bestD) { best = k; bestD = d; }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? cap;
}
