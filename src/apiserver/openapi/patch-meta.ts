// patch-meta holds the strategic-merge-patch metadata of list fields (Kubernetes' patchMergeKey and
// patchStrategy struct tags), keyed by "<Type>.<field>", as kube-openapi emits them.
export interface PatchMeta {
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy': string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

function merge(key: string, mapKeys?: string[], strategy = 'merge'): PatchMeta {
  return {
    'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': mapKeys ?? [key],
  };
}

const containers = merge('name');
const conditions = merge('type');
const TABLE = new Map<string, PatchMeta>([
  ['PodSpec.containers', containers],
  ['PodSpec.initContainers', containers],
  ['PodSpec.ephemeralContainers', containers],
  ['PodSpec.volumes', merge('name', undefined, 'merge,retainKeys')],
  ['PodSpec.imagePullSecrets', merge('name')],
  ['PodSpec.hostAliases', merge('ip')],
  ['Container.ports', merge('containerPort', ['containerPort', 'protocol'])],
  ['Container.env', merge('name')],
  ['Container.volumeMounts', merge('mountPath')],
  ['Container.volumeDevices', merge('devicePath')],
  ['EphemeralContainer.ports', merge('containerPort', ['containerPort', 'protocol'])],
  ['EphemeralContainer.env', merge('name')],
  ['EphemeralContainer.volumeMounts', merge('mountPath')],
  ['ServiceSpec.ports', merge('port', ['port', 'protocol'])],
  ['ObjectMeta.ownerReferences', merge('uid')],
  ['ObjectMeta.finalizers', { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' }],
  ['NodeStatus.addresses', merge('type')],
  ['DeploymentSpec.strategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }],
  ['DaemonSetSpec.updateStrategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }],
]);

// patchMetaFor returns the patch extensions of owner.field ({} when none); every "conditions" list
// merges on "type", as in Kubernetes' status types.
export function patchMetaFor(owner: string, field: string): Partial<PatchMeta> {
  return TABLE.get(`${owner}.${field}`) ?? (field === 'conditions' ? conditions : {});
}
