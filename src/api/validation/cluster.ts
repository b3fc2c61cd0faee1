// Cluster-scoped core kinds: Namespace and Node.
import type { V1Namespace, V1Node } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateCIDR, validateIP } from './ip.ts';
import { validateFinalizers, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from './meta.ts';
import { isValidLabelValue, nameIsDNSSubdomain } from './names.ts';

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const NAMESPACE_PHASES = ['Active', 'Terminating'];

export function validateNamespace(obj: KubeObject): FieldError[] {
  const ns = obj as V1Namespace;
  const errs = validateObjectMeta(ns.metadata, false, validateNamespaceName);
  (ns.spec?.finalizers ?? []).forEach((f) => errs.push(...validateFinalizers([f], 'spec.finalizers')));
  return errs;
}

export function validateNamespaceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateNamespace(obj));
}

export function validateNamespaceStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const ns = obj as V1Namespace;
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = ns.status?.phase;
  if (phase !== undefined && !NAMESPACE_PHASES.includes(phase)) errs.push(field.notSupported('status.phase', phase, NAMESPACE_PHASES));
  if (ns.metadata?.deletionTimestamp === undefined && phase === 'Terminating') {
    errs.push(field.invalid('status.phase', phase, 'may only be \'Terminating\' if `deletionTimestamp` is not empty'));
  }
  return errs;
}

export function validateNode(obj: KubeObject): FieldError[] {
  const node = obj as V1Node;
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  const spec = node.spec ?? {};
  if (spec.podCIDR) errs.push(...validateCIDR(spec.podCIDR, 'spec.podCIDR'));
  (spec.podCIDRs ?? []).forEach((c, i) => errs.push(...validateCIDR(c, `spec.podCIDRs[${i}]`)));
  (spec.taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    errs.push(...validateQualifiedName(t.key, `${p}.key`));
    if (t.value) errs.push(...isValidLabelValue(t.value).map((m) => field.invalid(`${p}.value`, t.value, m)));
    if (!t.effect) errs.push(field.required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(field.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
  });
  errs.push(...validateNodeAddresses(node));
  return errs;
}

// validateNodeAddresses checks reported InternalIP/ExternalIP addresses are IPs.
function validateNodeAddresses(node: V1Node): FieldError[] {
  const errs: FieldError[] = [];
  (node.status?.addresses ?? []).forEach((a, i) => {
    if (a.type === 'InternalIP' || a.type === 'ExternalIP') errs.push(...validateIP(a.address, `status.addresses[${i}].address`));
  });
  return errs;
}

export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const cidr = (o: KubeObject): string | undefined => (o as V1Node).spec?.podCIDR;
  if (cidr(old) && cidr(obj) !== cidr(old)) errs.push(field.forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid'));
  return errs.concat(validateNode(obj));
}
