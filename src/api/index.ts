// The public surface of src/api: resource vocabulary, scheme, strategies, decoding, selectors, conversion.
export type { KubeObject, KubeList, ObjectMeta, WatchEvent, WatchEventType } from './types.ts';
export { RESOURCES, apiVersionOf, parseApiVersion, byResource, byKind, storageInfo, resourceKey } from './scheme.ts';
export type { ResourceInfo, Verb } from './scheme.ts';
export type { Strategy } from './strategy.ts';
export { strategyFor, keepAllButStatus, keepSystemMeta } from './strategies.ts';

export { decodeErrors, decodeErrorMessage, unknownFieldWarnings, normalizeNulls } from './decode.ts';
export type { DecodeErrors } from './decode.ts';
export { modelFor, rootModelName, schemaFor, parseType, goTypeName, goStructName } from './model-schema.ts';
export type { Model, ModelField, TypeRef } from './model-schema.ts';

export { parseSelector, labelSelectorAsSelector, selectorFromSet, everything, nothing } from './labels.ts';
export type { Selector, Requirement, Operator, Labels } from './labels.ts';
export { parseFieldSelector, supportedFieldLabels } from './fields.ts';
export type { FieldSelector, FieldRequirement } from './fields.ts';

export { ingressToV1, ingressFromV1, toStorage, fromStorage, backendToV1, backendFromV1, LEGACY_INGRESS_API_VERSION, INGRESS_API_VERSION } from './conversion.ts';
export type { LegacyIngressBackend } from './conversion.ts';

export { defaultService, normalizeClusterIPs, patchAllocatedValues, dropTypeDependentFields, DEFAULT_CLIENT_IP_AFFINITY_SECONDS } from './defaults/service.ts';
export { defaultPod, defaultPodSpec, imageTag, podQOSClass } from './defaults/pod.ts';

export {
  isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue, isValidPortNum, isValidPortName,
  isWildcardDNS1123Subdomain, isConfigMapKey, nameIsDNSSubdomain, nameIsDNSLabel, nameIsDNS1035Label,
} from './validation/names.ts';
export type { NameValidator } from './validation/names.ts';
export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './validation/meta.ts';
export { validateService, validateServiceUpdate, isHeadless } from './validation/service.ts';
export { validateLabelSelector } from './validation/selector.ts';
