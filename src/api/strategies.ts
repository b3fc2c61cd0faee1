// strategyFor(info) is the one place a kind's defaulting, create/update preparation and validation meet.
// Objects handed to a strategy are in their storage version (legacy extensions/v1beta1 Ingress is
// converted first), so strategies are keyed by the storage group and kind.
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../lib/errors.ts';
import { normalizeNulls } from './decode.ts';
import { defaultEndpoints, defaultEndpointSlice, defaultNamespace, defaultNode, defaultSecret } from './defaults/misc.ts';
import { defaultPod, podQOSClass } from './defaults/pod.ts';
import { defaultService, dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues } from './defaults/service.ts';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultReplicationController } from './defaults/workloads.ts';
import { apiVersionOf, storageInfo, type ResourceInfo } from './scheme.ts';
import type { Strategy } from './strategy.ts';
import type { KubeObject } from './types.ts';
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate, validateNode, validateNodeUpdate } from './validation/cluster.ts';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './validation/config.ts';
import { validateEndpoints, validateEndpointSlice, validateEndpointSliceUpdate, validateEndpointsUpdate } from './validation/endpoints.ts';
import { validateEvent, validateEventUpdate } from './validation/event.ts';
import { validateIngress, validateIngressClass, validateIngressClassUpdate, validateIngressUpdate } from './validation/ingress.ts';
import { validateLease, validateLeaseUpdate } from './validation/lease.ts';
import { validateObjectMetaUpdate } from './validation/meta.ts';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './validation/pod.ts';
import { validateService, validateServiceUpdate } from './validation/service.ts';
import { validateLoadBalancerStatus } from './validation/status.ts';
import { validateAppsUpdate, validateDaemonSet, validateDeployment, validateReplicaSet, validateReplicationController } from './validation/workloads.ts';

type Check = (obj: KubeObject) => FieldError[];
type UpdateCheck = (obj: KubeObject, old: KubeObject) => FieldError[];

// KindRules is what differs per kind; everything else is the generic behaviour below.
interface KindRules {
  default?: (obj: KubeObject) => void;
  validate: Check;
  validateUpdate: UpdateCheck;
  validateStatusUpdate?: UpdateCheck;
  // initialStatus replaces status on create (kinds with a status subresource); the default is {}.
  initialStatus?: (obj: KubeObject) => unknown;
  keepStatusOnCreate?: boolean;
  // tracksGeneration: metadata.generation starts at 1 and is bumped when spec changes.
  tracksGeneration?: boolean;
  prepareForCreate?: (obj: KubeObject) => void;
  prepareForUpdate?: (obj: KubeObject, old: KubeObject) => void;
}

const RULES: Record<string, KindRules> = {
  '/Namespace': {
    default: defaultNamespace, validate: validateNamespace, validateUpdate: validateNamespaceUpdate,
    validateStatusUpdate: validateNamespaceStatusUpdate,
    initialStatus: () => ({ phase: 'Active' }),
    prepareForCreate: (o) => { o.spec = { ...(o.spec as object | undefined), finalizers: ['kubernetes'] }; },
    prepareForUpdate: (o, old) => { o.spec = structuredClone(old.spec ?? {}); },
  },
  '/Node': { default: defaultNode, validate: validateNode, validateUpdate: validateNodeUpdate, validateStatusUpdate: validateNodeUpdate, keepStatusOnCreate: true },
  '/Pod': {
    default: defaultPod, validate: validatePod, validateUpdate: validatePodUpdate, validateStatusUpdate: validatePodStatusUpdate,
    initialStatus: (o) => ({ phase: 'Pending', qosClass: podQOSClass((o as V1Pod).spec ?? { containers: [] }) }), tracksGeneration: true,
  },
  '/Service': {
    default: defaultService, validate: validateService, validateUpdate: validateServiceUpdate,
    validateStatusUpdate: validateLoadBalancerStatus,
    initialStatus: () => ({ loadBalancer: {} }),
    prepareForCreate: (o) => normalizeClusterIPs(o as V1Service),
    prepareForUpdate: (o, old) => {
      patchAllocatedValues(o as V1Service, old as V1Service);
      normalizeClusterIPs(o as V1Service, old as V1Service);
      dropTypeDependentFields(o as V1Service, old as V1Service);
    },
  },
  '/Endpoints': { default: defaultEndpoints, validate: validateEndpoints, validateUpdate: validateEndpointsUpdate },
  '/ConfigMap': { validate: validateConfigMap, validateUpdate: validateConfigMapUpdate },
  '/Secret': { default: defaultSecret, validate: validateSecret, validateUpdate: validateSecretUpdate },
  '/Event': { validate: validateEvent, validateUpdate: validateEventUpdate },
  '/ReplicationController': {
    default: defaultReplicationController, validate: validateReplicationController,
    validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata).concat(validateReplicationController(o)), tracksGeneration: true,
  },
  'discovery.k8s.io/EndpointSlice': { default: defaultEndpointSlice, validate: validateEndpointSlice, validateUpdate: validateEndpointSliceUpdate },
  'networking.k8s.io/Ingress': {
    validate: (o) => validateIngress(o), validateUpdate: (o, old) => validateIngressUpdate(o, old), validateStatusUpdate: validateLoadBalancerStatus,
    initialStatus: () => ({ loadBalancer: {} }), tracksGeneration: true,
  },
  'networking.k8s.io/IngressClass': { validate: validateIngressClass, validateUpdate: validateIngressClassUpdate },
  'apps/Deployment': { default: defaultDeployment, validate: validateDeployment, validateUpdate: validateAppsUpdate(validateDeployment), tracksGeneration: true },
  'apps/ReplicaSet': { default: defaultReplicaSet, validate: validateReplicaSet, validateUpdate: validateAppsUpdate(validateReplicaSet), tracksGeneration: true },
  'apps/DaemonSet': { default: defaultDaemonSet, validate: validateDaemonSet, validateUpdate: validateAppsUpdate(validateDaemonSet), tracksGeneration: true },
  'coordination.k8s.io/Lease': { validate: validateLease, validateUpdate: validateLeaseUpdate },
};

function specOf(o: KubeObject): unknown { return o.spec; }

// GenericStrategy applies KindRules with the behaviour every kind shares (status subresource, generation).
class GenericStrategy implements Strategy {
  private readonly rules: KindRules;
  private readonly hasStatus: boolean;
  private readonly apiVersion: string;
  private readonly kind: string;
  constructor(opts: { rules: KindRules; info: ResourceInfo }) {
    this.rules = opts.rules;
    this.hasStatus = opts.info.subresources.includes('status');
    this.apiVersion = apiVersionOf(opts.info);
    this.kind = opts.info.kind;
  }
  // default first turns JSON nulls into what Go would have decoded, then applies the kind's defaults.
  default(obj: KubeObject): void {
    normalizeNulls(this.apiVersion, this.kind, obj);
    this.rules.default?.(obj);
  }
  prepareForCreate(obj: KubeObject): void {
    const meta = (obj.metadata ??= {});
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.hasStatus && !this.rules.keepStatusOnCreate) {
      obj.status = this.rules.initialStatus?.(obj) ?? {};
    }
    if (this.rules.tracksGeneration) (obj.metadata ??= {}).generation = 1;
    this.rules.prepareForCreate?.(obj);
  }
  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    keepSystemMeta(obj, old);
    if (this.hasStatus) {
      if (old.status === undefined) delete obj.status; else obj.status = structuredClone(old.status);
    }
    this.rules.prepareForUpdate?.(obj, old);
    if (this.rules.tracksGeneration) {
      const prev = old.metadata?.generation ?? 1;
      (obj.metadata ??= {}).generation = isDeepStrictEqual(specOf(obj), specOf(old)) ? prev : prev + 1;
    }
  }
  validate(obj: KubeObject): FieldError[] { return this.rules.validate(obj); }
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] { return this.rules.validateUpdate(obj, old); }
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void { keepAllButStatus(obj, old); }
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return this.rules.validateStatusUpdate?.(obj, old) ?? validateObjectMetaUpdate(obj.metadata, old.metadata);
  }
}

// keepSystemMeta is what rest.BeforeUpdate does to metadata before any strategy runs: generation,
// creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds come from old; an empty uid too.
export function keepSystemMeta(obj: KubeObject, old: KubeObject): void {
  const m = (obj.metadata ??= {});
  const o = old.metadata ?? {};
  const keys = ['generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;
  for (const k of keys) {
    if (o[k] === undefined) delete m[k];
    else Object.assign(m, { [k]: structuredClone(o[k]) });
  }
  if (!m.uid && o.uid) m.uid = o.uid;
}

// keepAllButStatus makes obj a copy of old with obj's status (and resourceVersion, for preconditions).
export function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  const status = obj.status;
  const rv = obj.metadata?.resourceVersion;
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, structuredClone(old));
  if (status === undefined) delete obj.status; else obj.status = status;
  if (rv !== undefined) (obj.metadata ??= {}).resourceVersion = rv;
}

// LEGACY_INGRESS_RULES validates extensions/v1beta1 requests with that version's field names.
const LEGACY_INGRESS_RULES: KindRules = {
  ...(RULES['networking.k8s.io/Ingress'] as KindRules),
  validate: (o) => validateIngress(o, { legacy: true }),
  validateUpdate: (o, old) => validateIngressUpdate(o, old, { legacy: true }),
};

const cache = new Map<string, Strategy>();

// strategyFor returns the Strategy of a served resource. Objects are in the storage version; pass
// the served info (not storageInfo(info)) so a legacy extensions/v1beta1 request gets that version's
// validation messages.
export function strategyFor(info: ResourceInfo): Strategy {
  const s = storageInfo(info);
  const legacy = s !== info && info.kind === 'Ingress';
  const key = `${legacy ? `${info.group}/${info.version}` : s.group}/${s.kind}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rules = legacy ? LEGACY_INGRESS_RULES : RULES[`${s.group}/${s.kind}`];
  if (!rules) throw new Error(`strategies: no strategy for ${key}`);
  const strategy = new GenericStrategy({ rules, info: s });
  cache.set(key, strategy);
  return strategy;
}
