// ObjectClient is the narrow interface the CLI's commands need from the API: one implementation speaks
// HTTP to an API server (HttpObjectClient), another calls a Registry in-process (serve's -f manifests).
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeList, KubeObject } from '../api/types.ts';

export type ObjectPatchType = 'strategic' | 'merge' | 'json';

export interface ObjectClient {
  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(info: ResourceInfo, namespace: string | undefined, q?: { labelSelector?: string }): Promise<KubeList>;
  create(info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<KubeObject>;
  patch(info: ResourceInfo, namespace: string | undefined, name: string, type: ObjectPatchType, patch: unknown): Promise<KubeObject>;
  delete(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
}
