// IP and CIDR checks with apimachinery's messages (IsValidIP, IsValidCIDR, ValidateNonSpecialIP).
import { isIP } from 'node:net';
import { field, type FieldError } from '../../lib/errors.ts';

export function validateIP(v: string, path: string): FieldError[] {
  return isIP(v) === 0 ? [field.invalid(path, v, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')] : [];
}

export function isIPv6(v: string): boolean { return isIP(v) === 6; }

// validateCIDR accepts "a.b.c.d/n" and "x::/n".
export function validateCIDR(v: string, path: string): FieldError[] {
  const i = v.indexOf('/');
  const ip = i < 0 ? '' : v.slice(0, i);
  const bits = i < 0 ? '' : v.slice(i + 1);
  const fam = isIP(ip);
  const max = fam === 4 ? 32 : 128;
  const ok = fam !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
  return ok ? [] : [field.invalid(path, v, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

// validateNonSpecialIP refuses unspecified, loopback, link-local and link-local multicast addresses.
// allowLoopback: Portico's embedded mode gives pods 127.244.0.0/16 addresses, so endpoint addresses
// may be loopback (Kubernetes refuses them; here they are the point).
export function validateNonSpecialIP(v: string, path: string, allowLoopback = false): FieldError[] {
  const lower = v.toLowerCase();
  if (v === '0.0.0.0' || lower === '::') return [field.invalid(path, v, `may not be unspecified (${v})`)];
  if (!allowLoopback && (v.startsWith('127.') || lower === '::1')) return [field.invalid(path, v, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if (v.startsWith('169.254.') || /^fe[89ab]/.test(lower)) return [field.invalid(path, v, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if (v.startsWith('224.0.0.') || lower.startsWith('ff02:')) return [field.invalid(path, v, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

// validateIPv4 / validateIPv6 check an address against an EndpointSlice addressType.
export function validateIPv4(v: string, path: string): FieldError[] {
  return isIP(v) === 4 ? [] : [field.invalid(path, v, 'must be a valid IPv4 address')];
}
export function validateIPv6(v: string, path: string): FieldError[] {
  return isIP(v) === 6 ? [] : [field.invalid(path, v, 'must be a valid IPv6 address')];
}
