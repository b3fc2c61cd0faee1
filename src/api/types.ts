// Shared object vocabulary. Concrete resource types come from @kubernetes/client-node (V1Service, ...);
// the API machinery itself handles objects generically as KubeObject.
import type { V1ObjectMeta } from '@kubernetes/client-node';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  [key: string]: unknown;
}

// ObjectMeta is the metadata of a stored object: name and resourceVersion are always present there.
export type ObjectMeta = V1ObjectMeta;

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T extends KubeObject = KubeObject> { type: WatchEventType; object: T }

// LogOptions is PodLogOptions as the log subresource takes it from the query and a node serves it.
export interface LogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
}
