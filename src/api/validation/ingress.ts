// networking.k8s.io/v1 Ingress and IngressClass validation (pkg/apis/networking/validation).
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1IngressClass, V1IngressRule, V1IngressSpec } from '@kubernetes/client-node';
import { isIP } from 'node:net';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { goValueError } from './go-value.ts';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const BAD_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_SUFFIXES = ['/..', '/.'];

function hostErrors(host: string, path: string): FieldError[] {
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => field.invalid(path, host, m));
}

// IngressValidationOptions: legacy is a request in extensions/v1beta1, whose errors name the legacy
// fields (spec.backend, backend.serviceName, backend.servicePort) and which tolerates invalid TLS
// secret names and rules under wildcard hosts, as Kubernetes does for that version.
export interface IngressValidationOptions { legacy: boolean; allowInvalidSecretName?: boolean }

export function validateIngress(obj: KubeObject, opts: IngressValidationOptions = { legacy: false }): FieldError[] {
  const ing = obj as V1Ingress;
  return validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain).concat(validateIngressSpec(ing.spec ?? {}, opts));
}

export function validateIngressUpdate(obj: KubeObject, old: KubeObject, opts: IngressValidationOptions = { legacy: false }): FieldError[] {
  const oldTLS = (old as V1Ingress).spec?.tls ?? [];
  const allowInvalidSecretName = opts.legacy || oldTLS.some((t) => isDNS1123Subdomain(t.secretName ?? 'x').length > 0);
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  return errs.concat(validateIngressSpec((obj as V1Ingress).spec ?? {}, { ...opts, allowInvalidSecretName }));
}

function validateIngressSpec(spec: V1IngressSpec, opts: IngressValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  const backendField = opts.legacy ? 'backend' : 'defaultBackend';
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(goValueError('FieldValueInvalid', 'spec', spec.rules, spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)', `either \`${backendField}\` or \`rules\` must be specified`));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, `spec.${backendField}`, opts.legacy));
  rules.forEach((r, i) => errs.push(...validateRule(r, `spec.rules[${i}]`, opts.legacy)));
  const allowBadSecret = opts.legacy || opts.allowInvalidSecretName === true;
  (spec.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => errs.push(...hostErrors(h, `spec.tls[${i}].hosts[${j}]`)));
    if (t.secretName && !allowBadSecret) errs.push(...isDNS1123Subdomain(t.secretName).map((m) => field.invalid(`spec.tls[${i}].secretName`, t.secretName, m)));
  });
  const cls = spec.ingressClassName;
  if (cls !== undefined) errs.push(...isDNS1123Subdomain(cls).map((m) => field.invalid('spec.ingressClassName', cls, m)));
  return errs;
}

function validateRule(r: V1IngressRule, p: string, legacy: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const wildcard = (r.host ?? '').includes('*');
  if (r.host) {
    if (isIP(r.host) !== 0) errs.push(field.invalid(`${p}.host`, r.host, 'must be a DNS name, not an IP address'));
    errs.push(...hostErrors(r.host, `${p}.host`));
  }
  if (r.http && !(wildcard && legacy)) {
    const paths = r.http.paths ?? [];
    if (paths.length === 0) errs.push(field.required(`${p}.http.paths`));
    paths.forEach((hp, i) => errs.push(...validatePath(hp, `${p}.http.paths[${i}]`, legacy)));
  }
  return errs;
}

function validatePath(hp: V1HTTPIngressPath, p: string, legacy: boolean): FieldError[] {
  if (!hp.pathType) return [field.required(`${p}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = hp.path ?? '';
  if (hp.pathType === 'Exact' || hp.pathType === 'Prefix') {
    if (!path.startsWith('/')) errs.push(field.invalid(`${p}.path`, path, 'must be an absolute path'));
    for (const s of BAD_SEQUENCES) if (path.includes(s)) errs.push(field.invalid(`${p}.path`, path, `must not contain '${s}'`));
    for (const s of BAD_SUFFIXES) if (path.endsWith(s)) errs.push(field.invalid(`${p}.path`, path, `cannot end with '${s}'`));
  } else if (hp.pathType === 'ImplementationSpecific') {
    if (path && !path.startsWith('/')) errs.push(field.invalid(`${p}.path`, path, 'must be an absolute path'));
  } else errs.push(field.notSupported(`${p}.pathType`, hp.pathType, PATH_TYPES));
  return errs.concat(validateBackend(hp.backend, `${p}.backend`, legacy));
}

// pathSegmentErrors is apimachinery's IsValidPathSegmentName.
function pathSegmentErrors(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const bad = ['/', '%'].filter((c) => v.includes(c));
  return bad.map((c) => `may not contain '${c}'`);
}

function validateResourceRef(res: NonNullable<V1IngressBackend['resource']>, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (res.apiGroup !== undefined) errs.push(...isDNS1123Subdomain(res.apiGroup).map((m) => field.invalid(`${p}.apiGroup`, res.apiGroup, m)));
  for (const [k, v] of [['kind', res.kind], ['name', res.name]] as const) {
    if (!v) errs.push(field.required(`${p}.${k}`, `${k} is required`));
    else errs.push(...pathSegmentErrors(v).map((m) => field.invalid(`${p}.${k}`, v, m)));
  }
  return errs;
}

// validateBackend: exactly one of service (name + port number or name) and resource; legacy
// requests name the fields serviceName/servicePort.
export function validateBackend(b: V1IngressBackend | undefined, p: string, legacy = false): FieldError[] {
  const svc = b?.service;
  const res = b?.resource;
  if (svc && res) return [field.invalid(p, '', 'cannot set both resource and service backends')];
  if (res) return validateResourceRef(res, `${p}.resource`);
  if (!svc) return [field.invalid(p, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const nameField = legacy ? `${p}.serviceName` : `${p}.service.name`;
  if (!svc.name) errs.push(field.required(nameField));
  else errs.push(...isDNS1035Label(svc.name).map((m) => field.invalid(nameField, svc.name, m)));
  const name = svc.port?.name ?? '';
  const num = svc.port?.number ?? 0;
  if (name && num) errs.push(field.invalid(p, '', 'cannot set both port name & port number'));
  else if (name) errs.push(...isValidPortName(name).map((m) => field.invalid(legacy ? `${p}.servicePort` : `${p}.service.port.name`, name, m)));
  else if (num) errs.push(...isValidPortNum(num).map((m) => field.invalid(legacy ? `${p}.servicePort` : `${p}.service.port.number`, num, m)));
  else errs.push(field.required(p, 'port name or number is required'));
  return errs;
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  const ic = obj as V1IngressClass;
  const errs = validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain);
  const c = ic.spec?.controller ?? '';
  if (!c) errs.push(field.required('spec.controller'));
  else if (c.length > 250) errs.push(field.tooLong('spec.controller', 250));
  else errs.push(...domainPrefixedPath(c, 'spec.controller'));
  const params = ic.spec?.parameters;
  if (params) {
    if (!params.kind) errs.push(field.required('spec.parameters.kind'));
    if (!params.name) errs.push(field.required('spec.parameters.name'));
    const scope = params.scope;
    if (scope !== undefined && scope !== 'Cluster' && scope !== 'Namespace') errs.push(field.notSupported('spec.parameters.scope', scope, ['Cluster', 'Namespace']));
    if (scope === 'Namespace' && !params.namespace) errs.push(field.required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
    if (scope === 'Cluster' && params.namespace) errs.push(field.forbidden('spec.parameters.namespace', '`parameters.scope` is set to "Cluster"'));
  }
  return errs;
}

function domainPrefixedPath(v: string, p: string): FieldError[] {
  const i = v.indexOf('/');
  if (i < 0) return [field.invalid(p, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  return isDNS1123Subdomain(v.slice(0, i)).map((m) => field.invalid(p, v.slice(0, i), m));
}

export function validateIngressClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateImmutableField((obj as V1IngressClass).spec?.controller, (old as V1IngressClass).spec?.controller, 'spec.controller'));
  return errs.concat(validateIngressClass(obj));
}
