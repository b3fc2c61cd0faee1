// The registry's public surface: createRegistry wires the real dependencies, repairs the allocators
// from the stored Services, and returns the Registry the HTTP layer and the embedded Source call.
import { defaultDeps } from './default-deps.ts';
import type { RegistryOptions } from './deps.ts';
import { buildRegistry, type PorticoRegistry } from './registry.ts';

export type { DeleteOptions, FieldValidation, ListQuery, PatchType, PropagationPolicy, Registry, WatchQuery, WriteOptions } from './types.ts';
export type { IPAllocatorLike, PortAllocatorLike, RegistryDeps, RegistryOptions } from './deps.ts';
export { PorticoRegistry, buildRegistry } from './registry.ts';

// createRegistry is the production constructor: opts.deps may still replace single dependencies.
export function createRegistry(opts: RegistryOptions): Promise<PorticoRegistry> {
  return buildRegistry(opts, defaultDeps());
}
