// go-value renders values the way apimachinery's field.Error prints non-scalar Go values (%#v), so
// messages read exactly as kube-apiserver's: `Invalid value: []string{"10.0.0.2"}: may not change once set`.
import type { FieldError, FieldErrorType } from '../../lib/errors.ts';

// goValueError builds a field error whose value is printed pre-rendered (value kept for callers).
export function goValueError(type: FieldErrorType, path: string, value: unknown, rendered: string, detail = ''): FieldError {
  return { type, field: path, value, valueOmitted: true, detail: detail ? `${rendered}: ${detail}` : rendered };
}

const q = (s: string): string => JSON.stringify(s);

// goStringSlice renders []string{"a", "b"}, or []string(nil) for an absent list.
export function goStringSlice(v: readonly string[] | undefined): string {
  return v === undefined ? '[]string(nil)' : `[]string{${v.map(q).join(', ')}}`;
}

// goStringMap renders map[string]string{"a":"b"} with sorted keys, as Go's fmt does.
export function goStringMap(v: Readonly<Record<string, string>> | undefined): string {
  if (v === undefined) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(v).sort().map((k) => `${q(k)}:${q(v[k] ?? '')}`).join(', ')}}`;
}

// goServicePortKey renders the core.ServicePort{Protocol, Port} key ValidateService reports duplicates with.
export function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${q(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}
