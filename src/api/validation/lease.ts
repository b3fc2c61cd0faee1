// coordination.k8s.io/v1 Lease validation.
import type { V1Lease } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

export function validateLease(obj: KubeObject): FieldError[] {
  const l = obj as V1Lease;
  const errs = validateObjectMeta(l.metadata, true, nameIsDNSSubdomain);
  const s = l.spec ?? {};
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) errs.push(field.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.push(field.invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
  return errs;
}

export function validateLeaseUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateLease(obj));
}
