// Service clusterIP/clusterIPs/ipFamilies rules (ValidateServiceClusterIPsRelatedFields and the
// upgrade/downgrade checks of ValidateServiceUpdate).
import type { V1ServiceSpec } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import { goStringSlice, goValueError } from './go-value.ts';
import { isIPv6, validateIP } from './ip.ts';

const IP_FAMILIES = ['IPv4', 'IPv6'];
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const CLUSTER_IPS = 'spec.clusterIPs';

// validateClusterIPs checks clusterIP/clusterIPs agreement, IP syntax, 'None' placement and families.
export function validateClusterIPs(spec: V1ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(field.required(CLUSTER_IPS));
    else if (ips[0] !== spec.clusterIP) errs.push(goValueError('FieldValueInvalid', CLUSTER_IPS, ips, goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(goValueError('FieldValueInvalid', CLUSTER_IPS, ips, goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(field.notSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(field.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  const pol = spec.ipFamilyPolicy;
  if (pol !== undefined && !FAMILY_POLICIES.includes(pol)) errs.push(field.notSupported('spec.ipFamilyPolicy', pol, FAMILY_POLICIES));
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) { bad = true; errs.push(goValueError('FieldValueInvalid', CLUSTER_IPS, ips, goStringSlice(ips), "'None' must be the first and only value")); }
      return;
    }
    const e = validateIP(ip, `${CLUSTER_IPS}[${i}]`);
    if (e.length) bad = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(goValueError('FieldValueInvalid', CLUSTER_IPS, ips, goStringSlice(ips), 'may only hold up to 2 values'));
  if (bad) return errs;
  if (ips.length > 1 && isIPv6(ips[0] ?? '') === isIPv6(ips[1] ?? '')) {
    errs.push(goValueError('FieldValueInvalid', CLUSTER_IPS, ips, goStringSlice(ips), 'may specify no more than one IP for each IP family'));
  }
  errs.push(...validateFamiliesMatch(spec, ips));
  return errs;
}

function validateFamiliesMatch(spec: V1ServiceSpec, ips: string[]): FieldError[] {
  if (spec.clusterIP === 'None') return [];
  const errs: FieldError[] = [];
  const fams = spec.ipFamilies ?? [];
  ips.forEach((ip, i) => {
    const fam = fams[i];
    if (fam === 'IPv4' && isIPv6(ip)) errs.push(field.invalid(`${CLUSTER_IPS}[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
    if (fam === 'IPv6' && !isIPv6(ip)) errs.push(field.invalid(`${CLUSTER_IPS}[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
  });
  return errs;
}

// validateClusterIPsUpdate: clusterIPs may gain or drop a secondary IP but the primary never changes,
// except when the Service goes to or from ExternalName (or stays headless).
export function validateClusterIPsUpdate(spec: V1ServiceSpec, old: V1ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  if (spec.clusterIP === 'None' && old.clusterIP === 'None') return [];
  const next = spec.clusterIPs ?? [];
  const prev = old.clusterIPs ?? [];
  const errs: FieldError[] = [];
  const bad = (i: number, why: string): FieldError => goValueError('FieldValueInvalid', `${CLUSTER_IPS}[${i}]`, next, goStringSlice(spec.clusterIPs), why);
  const changed = (): FieldError => bad(0, 'may not change once set');
  if (prev.length === next.length) {
    prev.forEach((ip, i) => { if (ip !== next[i]) errs.push(bad(i, 'may not change once set')); });
  } else if (prev.length > next.length) {
    if (next.length === 0) errs.push(bad(0, 'primary clusterIP can not be unset'));
    else if (next[0] !== prev[0]) errs.push(changed());
    if (next.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(bad(0, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (prev.length > 0 && next[0] !== prev[0]) errs.push(changed());
  errs.push(...validateFamiliesUpdate(spec, old));
  return errs;
}

function validateFamiliesUpdate(spec: V1ServiceSpec, old: V1ServiceSpec): FieldError[] {
  const next = spec.ipFamilies ?? [];
  const prev = old.ipFamilies ?? [];
  if (prev.length === 0 || next.length === 0) return [];
  const errs: FieldError[] = [];
  if (next[0] !== prev[0]) errs.push(field.invalid('spec.ipFamilies[0]', next[0], 'may not change once set'));
  if (prev.length === next.length && prev.length > 1 && next[1] !== prev[1]) errs.push(field.invalid('spec.ipFamilies[1]', next[1], 'may not change once set'));
  return errs;
}
