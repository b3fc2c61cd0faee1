// Object metadata helpers shared by the registry's verbs. Objects are JSON as stored: timestamps are
// RFC 3339 strings, even where @kubernetes/client-node's types say Date.
import { randomInt } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../api/types.ts';

// MetaRecord is metadata viewed as the JSON record it is on the wire.
export type MetaRecord = Record<string, unknown>;

// metaOf returns obj.metadata, creating it when absent.
export function metaOf(obj: KubeObject): ObjectMeta {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

// metaRecord is metaOf as a plain record, for fields whose client-node type is not their JSON type.
export function metaRecord(obj: KubeObject): MetaRecord {
  return metaOf(obj) as unknown as MetaRecord;
}

// rfc3339 renders a time the way Kubernetes stores metav1.Time: seconds precision, UTC, "Z".
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

// randomSuffix is apimachinery's utilrand.String(5): the characters generateName appends.
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

// MAX_GENERATED_NAME_LENGTH is the longest generateName prefix kept (63 - 5 random characters).
const MAX_GENERATED_NAME_LENGTH = 58;

// generateNameFrom is names.SimpleNameGenerator.GenerateName.
export function generateNameFrom(base: string): string {
  return (base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base) + randomSuffix();
}

// finalizersOf lists metadata.finalizers (empty when absent).
export function finalizersOf(obj: KubeObject): string[] {
  return obj.metadata?.finalizers ?? [];
}

// isDeleting tells whether deletion of obj has started (metadata.deletionTimestamp set).
export function isDeleting(obj: KubeObject): boolean {
  return obj.metadata?.deletionTimestamp !== undefined && obj.metadata?.deletionTimestamp !== null;
}

// specFinalizersOf lists a Namespace's spec.finalizers.
export function specFinalizersOf(obj: KubeObject): string[] {
  const spec = obj['spec'];
  if (!spec || typeof spec !== 'object') return [];
  const f = (spec as Record<string, unknown>)['finalizers'];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}
