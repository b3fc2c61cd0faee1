// ConfigMap and Secret validation (ValidateConfigMap, ValidateSecret and their updates).
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.ts';

// MAX_SECRET_SIZE is core.MaxSecretSize (1 MiB), also the ConfigMap limit.
export const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

function keyErrors(map: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(map ?? {})) errs.push(...isConfigMapKey(k).map((m) => field.invalid(`${path}[${k}]`, k, m)));
  return errs;
}

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const cm = obj as V1ConfigMap;
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  errs.push(...keyErrors(cm.data, 'data'), ...keyErrors(cm.binaryData, 'binaryData'));
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    size += Buffer.byteLength(String(v));
    if (cm.binaryData && Object.hasOwn(cm.binaryData, k)) errs.push(field.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
  }
  for (const v of Object.values(cm.binaryData ?? {})) size += Buffer.from(String(v), 'base64').length;
  if (size > MAX_SECRET_SIZE) errs.push(field.tooLong('', MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const cm = obj as V1ConfigMap;
  const prev = old as V1ConfigMap;
  const errs = validateObjectMetaUpdate(cm.metadata, prev.metadata);
  if (prev.immutable === true) {
    if (cm.immutable !== true) errs.push(field.forbidden('immutable', IMMUTABLE_SET));
    if (JSON.stringify(cm.data ?? {}) !== JSON.stringify(prev.data ?? {})) errs.push(field.forbidden('data', IMMUTABLE_SET));
    if (JSON.stringify(cm.binaryData ?? {}) !== JSON.stringify(prev.binaryData ?? {})) errs.push(field.forbidden('binaryData', IMMUTABLE_SET));
  }
  return errs.concat(validateConfigMap(obj));
}

// SECRET_REQUIRED_KEYS lists the data keys each well-known Secret type needs.
const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
};

export function validateSecret(obj: KubeObject): FieldError[] {
  const s = obj as V1Secret;
  const errs = validateObjectMeta(s.metadata, true, nameIsDNSSubdomain);
  errs.push(...keyErrors(s.data, 'data'));
  let size = 0;
  for (const v of Object.values(s.data ?? {})) size += Buffer.from(String(v), 'base64').length;
  if (size > MAX_SECRET_SIZE) errs.push(field.tooLong('data', MAX_SECRET_SIZE));
  const data = s.data ?? {};
  const type = s.type ?? '';
  for (const k of SECRET_REQUIRED_KEYS[type] ?? []) if (!Object.hasOwn(data, k)) errs.push(field.required(`data[${k}]`));
  if (type === 'kubernetes.io/basic-auth' && !Object.hasOwn(data, 'username') && !Object.hasOwn(data, 'password')) {
    errs.push(field.required('data[username]'), field.required('data[password]'));
  }
  if (type === 'kubernetes.io/service-account-token' && !s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = obj as V1Secret;
  const prev = old as V1Secret;
  const errs = validateObjectMetaUpdate(s.metadata, prev.metadata);
  errs.push(...validateImmutableField(s.type, prev.type, 'type'));
  if (prev.immutable === true) {
    if (s.immutable !== true) errs.push(field.forbidden('immutable', IMMUTABLE_SET));
    if (JSON.stringify(s.data ?? {}) !== JSON.stringify(prev.data ?? {})) errs.push(field.forbidden('data', IMMUTABLE_SET));
  }
  return errs.concat(validateSecret(obj));
}
