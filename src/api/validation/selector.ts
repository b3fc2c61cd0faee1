// metav1.LabelSelector validation (unversioned ValidateLabelSelector).
import type { V1LabelSelector } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import { validateLabelName, validateLabels } from './meta.ts';
import { isValidLabelValue } from './names.ts';

export function validateLabelSelector(ls: V1LabelSelector | undefined, path: string): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, `${path}.matchLabels`);
  (ls.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const n = (e.values ?? []).length;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (n === 0) errs.push(field.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (n > 0) errs.push(field.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else errs.push(field.invalid(`${p}.operator`, e.operator, 'not a valid selector operator'));
    errs.push(...validateLabelName(e.key, `${p}.key`));
    (e.values ?? []).forEach((v, j) => errs.push(...isValidLabelValue(v).map((m) => field.invalid(`${p}.values[${j}]`, v, m))));
  });
  return errs;
}
