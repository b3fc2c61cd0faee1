// RegistryObjectClient adapts an in-process Registry to the CLI's ObjectClient, so `serve -f` applies
// manifests with the same client-side apply as `portico apply` (strict field validation included).
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeList, KubeObject } from '../api/types.ts';
import type { Registry } from '../apiserver/registry/types.ts';
import type { ObjectClient, ObjectPatchType } from '../cli/object-client.ts';

const opts = { fieldValidation: 'Strict' as const, fieldManager: 'portico-serve' };

export class RegistryObjectClient implements ObjectClient {
  readonly #registry: Registry;
  constructor(registry: Registry) { this.#registry = registry; }
  get(info: ResourceInfo, ns: string | undefined, name: string): Promise<KubeObject> { return this.#registry.get(info, ns, name); }
  list(info: ResourceInfo, ns: string | undefined, q?: { labelSelector?: string }): Promise<KubeList> { return this.#registry.list(info, ns, { ...q }); }
  create(info: ResourceInfo, ns: string | undefined, obj: KubeObject): Promise<KubeObject> { return this.#registry.create(info, ns, obj, { ...opts }); }
  patch(info: ResourceInfo, ns: string | undefined, name: string, type: ObjectPatchType, patch: unknown): Promise<KubeObject> {
    return this.#registry.patch(info, ns, name, type, patch, { ...opts });
  }
  delete(info: ResourceInfo, ns: string | undefined, name: string): Promise<KubeObject> { return this.#registry.delete(info, ns, name, { propagationPolicy: 'Background' }); }
}
