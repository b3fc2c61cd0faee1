// Deployment, ReplicaSet, DaemonSet (apps/v1) and ReplicationController validation.
import type { V1DaemonSet, V1Deployment, V1DeploymentStrategy, V1LabelSelector, V1PodTemplateSpec, V1ReplicaSet, V1ReplicationController } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import { goStringMap, goValueError } from './go-value.ts';
import { labelSelectorAsSelector, selectorFromSet } from '../labels.ts';
import type { KubeObject } from '../types.ts';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { validateLabelSelector } from './selector.ts';

const NONNEG = 'must be greater than or equal to 0';

function nonNegative(v: number | undefined, path: string): FieldError[] {
  return v !== undefined && v < 0 ? [field.invalid(path, v, NONNEG)] : [];
}

// validateSelectorAndTemplate: selector required and non-empty, and it must match the template labels.
function validateSelectorAndTemplate(sel: V1LabelSelector | undefined, t: V1PodTemplateSpec | undefined, kind: 'deployment' | 'daemonset'): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel) errs.push(field.required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(field.invalid('spec.selector', sel, `empty selector is invalid for ${kind}`));
    }
  }
  if (!t) return errs.concat(field.required('spec.template'));
  if (sel && errs.length === 0) {
    try {
      const s = labelSelectorAsSelector(sel);
      if (!s.empty() && !s.matches(t.metadata?.labels)) {
        errs.push(goValueError('FieldValueInvalid', 'spec.template.metadata.labels', t.metadata?.labels, goStringMap(t.metadata?.labels), '`selector` does not match template `labels`'));
      }
    } catch { errs.push(field.invalid('spec.selector', sel, 'invalid label selector')); }
  }
  return errs.concat(validatePodTemplateSpec(t, 'spec.template', kind === 'daemonset' ? 'DaemonSet' : 'ReplicaSet'));
}

function validateStrategy(s: V1DeploymentStrategy | undefined): FieldError[] {
  const t = s?.type;
  if (t === 'Recreate') return s?.rollingUpdate ? [field.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
  if (t !== 'RollingUpdate') return [field.notSupported('spec.strategy', t ?? '', ['Recreate', 'RollingUpdate'])];
  const ru = s?.rollingUpdate;
  if (!ru) return [field.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
  const errs = [...intOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'), ...intOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge')];
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
    errs.push(field.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

function isZero(v: number | string | undefined): boolean { return v === 0 || v === '0%' || v === undefined; }

// intOrPercent is ValidatePositiveIntOrPercent + IsNotMoreThan100Percent.
function intOrPercent(v: number | string | undefined, path: string): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(v, path);
  const m = /^(\d+)%$/.exec(v);
  if (!m) return [field.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  return Number(m[1]) > 100 ? [field.invalid(path, v, 'must not be greater than 100%')] : [];
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const d = obj as V1Deployment;
  const s = d.spec;
  const errs = validateObjectMeta(d.metadata, true, nameIsDNSSubdomain);
  if (!s) return errs.concat(field.required('spec'));
  errs.push(...nonNegative(s.replicas, 'spec.replicas'), ...validateSelectorAndTemplate(s.selector, s.template, 'deployment'));
  errs.push(...validateStrategy(s.strategy), ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pd = s.progressDeadlineSeconds;
  if (pd !== undefined) {
    errs.push(...nonNegative(pd, 'spec.progressDeadlineSeconds'));
    if (pd <= (s.minReadySeconds ?? 0)) errs.push(field.invalid('spec.progressDeadlineSeconds', pd, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const rs = obj as V1ReplicaSet;
  const errs = validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain);
  const s = rs.spec;
  if (!s) return errs.concat(field.required('spec'));
  errs.push(...nonNegative(s.replicas, 'spec.replicas'), ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  return errs.concat(validateSelectorAndTemplate(s.selector, s.template, 'deployment'));
}

export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const ds = obj as V1DaemonSet;
  const errs = validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain);
  const s = ds.spec;
  if (!s) return errs.concat(field.required('spec'));
  errs.push(...validateSelectorAndTemplate(s.selector, s.template, 'daemonset'), ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  const t = s.updateStrategy?.type;
  if (t !== 'RollingUpdate' && t !== 'OnDelete') errs.push(field.notSupported('spec.updateStrategy', t ?? '', ['OnDelete', 'RollingUpdate']));
  return errs;
}

export function validateReplicationController(obj: KubeObject): FieldError[] {
  const rc = obj as V1ReplicationController;
  const errs = validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain);
  const s = rc.spec;
  if (!s) return errs.concat(field.required('spec'));
  errs.push(...nonNegative(s.replicas, 'spec.replicas'), ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  const sel = s.selector ?? {};
  if (Object.keys(sel).length === 0) errs.push(field.required('spec.selector'));
  if (!s.template) return errs.concat(field.required('spec.template'));
  if (Object.keys(sel).length > 0 && !selectorFromSet(sel).matches(s.template.metadata?.labels)) {
    errs.push(goValueError('FieldValueInvalid', 'spec.template.metadata.labels', s.template.metadata?.labels, goStringMap(s.template.metadata?.labels), '`selector` does not match template `labels`'));
  }
  return errs.concat(validatePodTemplateSpec(s.template, 'spec.template', 'ReplicationController'));
}

// validateAppsUpdate wraps a workload validator: metadata update rules, and apps/v1 selectors never change.
export function validateAppsUpdate(validate: (o: KubeObject) => FieldError[]): (obj: KubeObject, old: KubeObject) => FieldError[] {
  return (obj, old) => {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const sel = (o: KubeObject): unknown => (o.spec as { selector?: unknown } | undefined)?.selector;
    errs.push(...validateImmutableField(sel(obj), sel(old), 'spec.selector'));
    return errs.concat(validate(obj));
  };
}
