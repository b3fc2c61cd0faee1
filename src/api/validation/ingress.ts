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

export function validateIngress(obj: KubeObject): FieldError[] {
  const ing = obj as V1Ingress;
  return validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain).concat(validateIngressSpec(ing.spec ?? {}));
}

export function validateIngressUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateIngressSpec((obj as V1Ingress).spec ?? {}));
}

function validateIngressSpec(spec: V1IngressSpec): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) errs.push(goValueError('FieldValueInvalid', 'spec', spec.rules, spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)', 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => errs.push(...validateRule(r, `spec.rules[${i}]`)));
  (spec.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => errs.push(...hostErrors(h, `spec.tls[${i}].hosts[${j}]`)));
    if (t.secretName) errs.push(...isDNS1123Subdomain(t.secretName).map((m) => field.invalid(`spec.tls[${i}].secretName`, t.secretName, m)));
  });
  const cls = spec.ingressClassName;
  if (cls !== undefined) errs.push(...isDNS1123Subdomain(cls).map((m) => field.invalid('spec.ingressClassName', cls, m)));
  return errs;
}

function validateRule(r: V1IngressRule, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (r.host) {
    if (isIP(r.host) !== 0) errs.push(field.invalid(`${p}.host`, r.host, 'must be a DNS name, not an IP address'));
    errs.push(...hostErrors(r.host, `${p}.host`));
  }
  if (r.http) {
    const paths = r.http.paths ?? [];
    if (paths.length === 0) errs.push(field.required(`${p}.http.paths`));
    paths.forEach((hp, i) => errs.push(...validatePath(hp, `${p}.http.paths[${i}]`)));
  }
  return errs;
}

function validatePath(hp: V1HTTPIngressPath, p: string): FieldError[] {
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
  return errs.concat(validateBackend(hp.backend, `${p}.backend`));
}

// validateBackend: exactly one of service (name + port number or name) and resource.
export function validateBackend(b: V1IngressBackend | undefined, p: string): FieldError[] {
  const svc = b?.service;
  const res = b?.resource;
  if (svc && res) return [field.invalid(p, '', 'cannot set both resource and service backends')];
  if (res) {
    const errs: FieldError[] = [];
    if (!res.kind) errs.push(field.required(`${p}.resource.kind`));
    if (!res.name) errs.push(field.required(`${p}.resource.name`));
    return errs;
  }
  if (!svc) return [field.invalid(p, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(field.required(`${p}.service.name`));
  else errs.push(...isDNS1035Label(svc.name).map((m) => field.invalid(`${p}.service.name`, svc.name, m)));
  const name = svc.port?.name ?? '';
  const num = svc.port?.number ?? 0;
  if (name && num) errs.push(field.invalid(p, '', 'cannot set both port name & port number'));
  else if (name) errs.push(...isValidPortName(name).map((m) => field.invalid(`${p}.service.port.name`, name, m)));
  else if (num) errs.push(...isValidPortNum(num).map((m) => field.invalid(`${p}.service.port.number`, num, m)));
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
