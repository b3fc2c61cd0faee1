// Cluster-scoped core kinds: Namespace and Node.
import type { V1Namespace, V1Node } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateCIDR } from './ip.ts';
import { validateFinalizers, validateLabelName, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isValidLabelValue, nameIsDNSSubdomain } from './names.ts';

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

export function validateNamespace(obj: KubeObject): FieldError[] {
  const ns = obj as V1Namespace;
  const errs = validateObjectMeta(ns.metadata, false, validateNamespaceName);
  (ns.spec?.finalizers ?? []).forEach((f) => errs.push(...validateFinalizers([f], 'spec.finalizers')));
  return errs;
}

export function validateNamespaceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateNamespace(obj));
}

// validateNamespaceStatusUpdate: phase is Active until deletionTimestamp is set, then Terminating
// (Kubernetes names the field "status.Phase").
export function validateNamespaceStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const ns = obj as V1Namespace;
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = ns.status?.phase ?? '';
  if (ns.metadata?.deletionTimestamp === undefined) {
    if (phase !== 'Active') errs.push(field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(field.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

// validateNode checks metadata, taints (reported under "metadata.taints", as Kubernetes does) and podCIDRs.
export function validateNode(obj: KubeObject): FieldError[] {
  const node = obj as V1Node;
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  const spec = node.spec ?? {};
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const p = `metadata.taints[${i}]`;
    errs.push(...validateLabelName(t.key, `${p}.key`));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length) errs.push(field.invalid(`${p}.value`, t.value, msgs.join(';')));
    if (!t.effect) errs.push(field.required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(field.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const key = `${t.effect}/${t.key}`;
    if (seen.has(key)) errs.push({ ...field.duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
    seen.add(key);
  });
  const cidrs = spec.podCIDRs ?? [];
  cidrs.forEach((c, i) => errs.push(...validateCIDR(c, `spec.podCIDRs[${i}]`)));
  if (cidrs.length > 2) errs.push(field.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  return errs;
}

// validateNodeUpdate (also the /status check): no duplicate addresses, podCIDRs fixed once set.
export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const node = obj as V1Node;
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((a, i) => {
    const key = `${a.type}/${a.address}`;
    if (seen.has(key)) errs.push(field.duplicate(`status.addresses[${i}]`, a));
    seen.add(key);
  });
  const prev = (old as V1Node).spec?.podCIDRs ?? [];
  if (prev.length > 0 && JSON.stringify(prev) !== JSON.stringify(node.spec?.podCIDRs ?? [])) {
    errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  return errs.concat(validateNode(obj));
}
