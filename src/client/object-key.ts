// Object keys: the one place a cache key ("ns/name", or "name" for cluster-scoped objects) is made.
import type { KubeObject } from '../api/types.ts';

// ObjectKey is a cache key: "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).
export type ObjectKey = string & { readonly __brand: 'ObjectKey' };

// objectKey returns the cache key of obj.
export function objectKey(obj: KubeObject): ObjectKey {
  return keyOf(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

// keyOf makes the cache key of a namespace (undefined or '' for cluster-scoped) and a name.
export function keyOf(namespace: string | undefined, name: string): ObjectKey {
  return (namespace ? `${namespace}/${name}` : name) as ObjectKey;
}

// splitKey is the inverse of keyOf.
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
