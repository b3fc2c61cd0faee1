// Port helpers shared by Service, Endpoints, EndpointSlice and Pod validation.
import { field, type FieldError } from '../../lib/errors.ts';
import { isValidPortName, isValidPortNum } from './names.ts';

export const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

// validatePortNum is the int port check ("must be between 1 and 65535, inclusive").
export function validatePortNum(p: number | undefined, path: string): FieldError[] {
  return isValidPortNum(p ?? 0).map((m) => field.invalid(path, p ?? 0, m));
}

// validatePortNumOrName is ValidatePortNumOrName for IntOrString (a Service targetPort, a probe port).
export function validatePortNumOrName(p: number | string | undefined, path: string): FieldError[] {
  if (typeof p === 'string') return isValidPortName(p).map((m) => field.invalid(path, p, m));
  return validatePortNum(p, path);
}

// validateProtocol requires one of TCP/UDP/SCTP.
export function validateProtocol(p: string | undefined, path: string): FieldError[] {
  if (!p) return [field.required(path)];
  return (SUPPORTED_PROTOCOLS as readonly string[]).includes(p) ? [] : [field.notSupported(path, p, SUPPORTED_PROTOCOLS)];
}
