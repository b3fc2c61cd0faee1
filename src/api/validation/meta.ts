// ObjectMeta validation as apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate do it.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, type NameValidator } from './names.ts';

// TOTAL_ANNOTATION_SIZE_LIMIT is apimachinery's TotalAnnotationSizeLimitB (256 KiB).
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

// validateLabelName checks one label key; errors name the whole labels map path, as Kubernetes does.
export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((m) => field.invalid(path, key, m));
}

// validateLabels checks a label map (metadata.labels, a Service selector, matchLabels).
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(String(v)).map((m) => field.invalid(path, v, m)));
  }
  return errs;
}

// validateAnnotations checks keys (qualified names, lower-cased) and the 256 KiB total size.
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => field.invalid(path, k, m)));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReference(ref: V1OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  if (!version) errs.push(field.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(field.invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(field.invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(field.invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
  return errs;
}

// validateOwnerReferences checks each reference and that at most one is the controller.
export function validateOwnerReferences(refs: V1OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  (refs ?? []).forEach((ref, i) => {
    errs.push(...validateOwnerReference(ref, `${path}[${i}]`));
    if (ref.controller !== true) return;
    if (controller) {
      errs.push(field.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${ref.kind}/${ref.name}`));
    } else controller = `${ref.kind}/${ref.name}`;
  });
  return errs;
}

// validateFinalizers checks names (qualified, or one of the standard ones) and orphan/foreground exclusivity.
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) {
    const msgs = isQualifiedName(f);
    errs.push(...msgs.map((m) => field.invalid(path, f, m)));
    if (msgs.length === 0 && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(field.invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

// validateNamespaceName is ValidateNamespaceName: a DNS-1123 label.
export const validateNamespaceName: NameValidator = (n) => isDNS1123Label(n);

// validateObjectMeta checks name/generateName with nameFn, namespace against the scope, labels,
// annotations, ownerReferences and finalizers. path is "metadata" (or "spec.template.metadata").
export function validateObjectMeta(meta: V1ObjectMeta | undefined, namespaced: boolean, nameFn: NameValidator, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...nameFn(m.generateName, true).map((msg) => field.invalid(`${path}.generateName`, m.generateName, msg)));
  if (!m.name && !m.generateName) errs.push(field.required(`${path}.name`, 'name or generateName is required'));
  else if (m.name) errs.push(...nameFn(m.name, false).map((msg) => field.invalid(`${path}.name`, m.name, msg)));
  if (namespaced) {
    if (!m.namespace) errs.push(field.required(`${path}.namespace`));
    else errs.push(...validateNamespaceName(m.namespace, false).map((msg) => field.invalid(`${path}.namespace`, m.namespace, msg)));
  } else if (m.namespace) {
    errs.push(field.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateMetaCommon(m, path));
  return errs;
}

// validateMetaCommon checks the parts of metadata shared by create and update.
function validateMetaCommon(m: V1ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (m.generation !== undefined && m.generation < 0) errs.push(field.invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

// validateImmutableField is ValidateImmutableField: "field is immutable" when the value changed.
export function validateImmutableField(next: unknown, old: unknown, path: string): FieldError[] {
  return sameValue(next, old) ? [] : [field.invalid(path, next, 'field is immutable')];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// validateObjectMetaUpdate keeps name, namespace, uid and creationTimestamp immutable and rechecks the rest.
export function validateObjectMetaUpdate(meta: V1ObjectMeta | undefined, old: V1ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateImmutableField(m.name, o.name, `${path}.name`));
  errs.push(...validateImmutableField(m.namespace, o.namespace, `${path}.namespace`));
  errs.push(...validateImmutableField(m.uid, o.uid, `${path}.uid`));
  if (m.creationTimestamp !== undefined || o.creationTimestamp !== undefined) {
    errs.push(...validateImmutableField(m.creationTimestamp, o.creationTimestamp, `${path}.creationTimestamp`));
  }
  errs.push(...validateMetaCommon(m, path));
  return errs;
}

// validateDNS1123Label / validateDNS1123Subdomain wrap the syntax checks into field errors.
export function validateDNS1123Label(v: string, path: string): FieldError[] {
  return isDNS1123Label(v).map((m) => field.invalid(path, v, m));
}
export function validateDNS1123Subdomain(v: string, path: string): FieldError[] {
  return isDNS1123Subdomain(v).map((m) => field.invalid(path, v, m));
}
export function validateQualifiedName(v: string, path: string): FieldError[] {
  return isQualifiedName(v).map((m) => field.invalid(path, v, m));
}
