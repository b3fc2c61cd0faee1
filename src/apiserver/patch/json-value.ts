// json-value holds the plain-JSON helpers the patchers share: patches work on JSON documents, never on
// the caller's objects.

export type JsonMap = Record<string, unknown>;

// isMap reports whether v is a JSON object (not null, not an array).
export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(m: JsonMap, k: string): boolean { return Object.prototype.hasOwnProperty.call(m, k); }

// toJSONValue deep-copies v as plain JSON: a Date becomes an RFC 3339 string with second precision
// (metav1.Time's form), undefined members are dropped, anything else non-JSON becomes null.
export function toJSONValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toJSONValue(x)));
  if (typeof v === 'object' && v !== null) {
    const out: JsonMap = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJSONValue(x);
    return out;
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return null;
}
