// RegistryDeps are the pure pieces the registry composes, owned by other folders (strategies, strict
// decoding, conversion, patching, selectors, allocators). default-deps.ts wires the real ones; tests may
// swap any of them.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { Strategy } from '../../api/strategy.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Store } from '../../store/store.ts';
import type { PatchType } from './types.ts';

export interface DecodeErrors { unknown: string[]; type: string[] }

// Selector matches objects against a list/watch query's label and field selectors.
export type Selector = (obj: KubeObject) => boolean;

export interface IPAllocatorLike {
  allocateNext(): string;
  allocate(ip: string): void;
  release(ip: string): void;
  has(ip: string): boolean;
  nth(n: number): string;
}

export interface PortAllocatorLike {
  allocateNext(): number;
  allocate(port: number): void;
  release(port: number): void;
  has(port: number): boolean;
}

export interface RegistryDeps {
  strategyFor(info: ResourceInfo): Strategy;
  decodeErrors(apiVersion: string, kind: string, obj: unknown): DecodeErrors;
  applyPatch(type: Exclude<PatchType, 'apply'>, original: KubeObject, patch: unknown, info: ResourceInfo): KubeObject;
  // toStorage converts an object of the served legacy version `info` to its storage version; fromStorage back.
  toStorage(obj: KubeObject, info: ResourceInfo): KubeObject;
  fromStorage(obj: KubeObject, info: ResourceInfo): KubeObject;
  // selector parses a query's selectors for a resource; it throws badRequest on a malformed selector.
  selector(info: ResourceInfo, labelSelector: string | undefined, fieldSelector: string | undefined): Selector;
  newIPAllocator(cidr: string): IPAllocatorLike;
  newPortAllocator(range: { base: number; size: number }): PortAllocatorLike;
}

// RegistryOptions configure createRegistry.
export interface RegistryOptions {
  store: Store;
  serviceCIDR: string;
  nodePortRange: { base: number; size: number };
  now?: () => Date;
  // bookmarkIntervalMs is how often a watch with allowWatchBookmarks sends a BOOKMARK (default 5000).
  bookmarkIntervalMs?: number;
  // localNodeName is the node whose agent runs in this process: new pods without spec.nodeName are bound
  // to it, and pods bound to it delete gracefully (see pod-lifecycle.ts). Unset: neither happens.
  localNodeName?: string;
  deps?: Partial<RegistryDeps>;
}
