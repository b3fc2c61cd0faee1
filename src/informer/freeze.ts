// deepFreeze freezes obj and everything reachable from it, and returns it: cached objects are read-only.
export function deepFreeze<T>(obj: T): T {
  if (obj === null || typeof obj !== 'object' || Object.isFrozen(obj)) return obj;
  if (obj instanceof Date) return obj;
  for (const v of Object.values(obj)) deepFreeze(v);
  return Object.freeze(obj);
}
