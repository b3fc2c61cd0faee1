// merge-keys is the strategic-merge-patch metadata of the types Portico serves: Kubernetes' Go struct
// tags `patchStrategy` and `patchMergeKey` (k8s.io/api core/v1, apps/v1, meta/v1), keyed by
// "<GoType>.<jsonField>". A field absent here has no strategy: its lists are replaced and its maps merged.

// PatchMeta is one field's tags: strategies as in the tag ("merge", "retainKeys", "replace"; a tag may
// hold two, "merge,retainKeys"), and the merge key of a list of objects ('' for primitive lists).
export interface PatchMeta { strategies: readonly string[]; mergeKey: string }

const NONE: PatchMeta = { strategies: [], mergeKey: '' };

function merge(mergeKey: string): PatchMeta { return { strategies: ['merge'], mergeKey }; }
const mergeRetainKeys = (mergeKey: string): PatchMeta => ({ strategies: ['merge', 'retainKeys'], mergeKey });
const mergeSet: PatchMeta = { strategies: ['merge'], mergeKey: '' };
const retainKeys: PatchMeta = { strategies: ['retainKeys'], mergeKey: '' };

// containerFields are shared by Container and EphemeralContainer (EphemeralContainerCommon inline).
const containerFields: ReadonlyArray<[string, PatchMeta]> = [
  ['ports', merge('containerPort')],
  ['env', merge('name')],
  ['volumeMounts', merge('mountPath')],
  ['volumeDevices', merge('devicePath')],
];

const conditionsOwners = [
  'PodStatus', 'NodeStatus', 'ServiceStatus', 'NamespaceStatus', 'ReplicationControllerStatus',
  'DeploymentStatus', 'ReplicaSetStatus', 'DaemonSetStatus',
];

const ENTRIES: ReadonlyArray<[string, PatchMeta]> = [
  ['ObjectMeta.ownerReferences', merge('uid')],
  ['ObjectMeta.finalizers', mergeSet],
  ['PodSpec.volumes', mergeRetainKeys('name')],
  ['PodSpec.initContainers', merge('name')],
  ['PodSpec.containers', merge('name')],
  ['PodSpec.ephemeralContainers', merge('name')],
  ['PodSpec.imagePullSecrets', merge('name')],
  ['PodSpec.hostAliases', merge('ip')],
  ['PodSpec.topologySpreadConstraints', merge('topologyKey')],
  ['PodSpec.schedulingGates', merge('name')],
  ['PodSpec.resourceClaims', mergeRetainKeys('name')],
  ['PodStatus.podIPs', merge('ip')],
  ['PodStatus.hostIPs', merge('ip')],
  ['PodStatus.resourceClaimStatuses', mergeRetainKeys('name')],
  ...containerFields.map(([f, m]): [string, PatchMeta] => [`Container.${f}`, m]),
  ...containerFields.map(([f, m]): [string, PatchMeta] => [`EphemeralContainer.${f}`, m]),
  ['NodeSpec.podCIDRs', mergeSet],
  ['NodeStatus.addresses', merge('type')],
  ['ServiceSpec.ports', merge('port')],
  ['DeploymentSpec.strategy', retainKeys],
  ...conditionsOwners.map((t): [string, PatchMeta] => [`${t}.conditions`, merge('type')]),
];

const TABLE: ReadonlyMap<string, PatchMeta> = new Map(ENTRIES);

// patchMetaFor returns the tags of goType.field (goType without client-node's "V1" prefix: "PodSpec").
export function patchMetaFor(goType: string, field: string): PatchMeta {
  return TABLE.get(`${goType}.${field}`) ?? NONE;
}

// mergeKeyEntries lists the table, for tests and for the OpenAPI document.
export function mergeKeyEntries(): ReadonlyArray<[string, PatchMeta]> { return ENTRIES; }
