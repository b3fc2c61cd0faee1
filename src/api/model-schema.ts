// model-schema reads the object schema out of @kubernetes/client-node's generated models
// (each class's static attributeTypeMap), for strict decoding here and the OpenAPI document elsewhere.
// The legacy extensions/v1beta1 Ingress has no generated model; it is described by hand below.
import * as k8s from '@kubernetes/client-node';

export interface ModelField { json: string; type: string; format: string }
export interface Model { name: string; fields: ModelField[] }

// TypeRef is a parsed attributeTypeMap type: a primitive, an array, a string-keyed map or a model.
export type TypeRef =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' | 'Date' | 'any' | 'IntOrString'; format: string }
  | { kind: 'array'; item: TypeRef }
  | { kind: 'map'; value: TypeRef }
  | { kind: 'model'; name: string };

interface Attribute { name: string; baseName: string; type: string; format: string }
const f = (json: string, type: string, format = ''): ModelField => ({ json, type, format });

// LEGACY_MODELS describes extensions/v1beta1 Ingress (serviceName/servicePort backends, spec.backend).
const LEGACY_MODELS: Record<string, ModelField[]> = {
  ExtensionsV1beta1Ingress: [f('apiVersion', 'string'), f('kind', 'string'), f('metadata', 'V1ObjectMeta'), f('spec', 'ExtensionsV1beta1IngressSpec'), f('status', 'V1IngressStatus')],
  ExtensionsV1beta1IngressSpec: [f('backend', 'ExtensionsV1beta1IngressBackend'), f('ingressClassName', 'string'),
    f('rules', 'Array<ExtensionsV1beta1IngressRule>'), f('tls', 'Array<ExtensionsV1beta1IngressTLS>')],
  ExtensionsV1beta1IngressBackend: [f('resource', 'V1TypedLocalObjectReference'), f('serviceName', 'string'), f('servicePort', 'IntOrString', 'int-or-string')],
  ExtensionsV1beta1IngressRule: [f('host', 'string'), f('http', 'ExtensionsV1beta1HTTPIngressRuleValue')],
  ExtensionsV1beta1HTTPIngressRuleValue: [f('paths', 'Array<ExtensionsV1beta1HTTPIngressPath>')],
  ExtensionsV1beta1HTTPIngressPath: [f('backend', 'ExtensionsV1beta1IngressBackend'), f('path', 'string'), f('pathType', 'string')],
  ExtensionsV1beta1IngressTLS: [f('hosts', 'Array<string>'), f('secretName', 'string')],
};

const models = k8s as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>;
const cache = new Map<string, Model | undefined>();

// modelFor returns the fields of a model by its client-node class name ('V1Service'), or undefined.
export function modelFor(typeName: string): Model | undefined {
  if (cache.has(typeName)) return cache.get(typeName);
  const legacy = LEGACY_MODELS[typeName];
  const attrs = legacy ? undefined : models[typeName]?.attributeTypeMap;
  const m = legacy ? { name: typeName, fields: legacy }
    : attrs ? { name: typeName, fields: attrs.map((a) => f(a.baseName, a.type, a.format)) } : undefined;
  cache.set(typeName, m);
  return m;
}

function capitalize(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }

// rootModelName maps a served apiVersion and kind to its model: ('v1','Service') → 'V1Service',
// ('v1','Event') → 'CoreV1Event', ('extensions/v1beta1','Ingress') → 'ExtensionsV1beta1Ingress'.
export function rootModelName(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const prefix = group ? capitalize(group.split('.')[0] ?? '') : 'Core';
  const candidates = [`${prefix}${capitalize(version)}${kind}`, `${capitalize(version)}${kind}`];
  return candidates.find((c) => modelFor(c) !== undefined && hasKindField(c));
}

// schemaFor is modelFor(rootModelName(apiVersion, kind)): the top-level model of a served kind.
export function schemaFor(apiVersion: string, kind: string): Model | undefined {
  const name = rootModelName(apiVersion, kind);
  return name === undefined ? undefined : modelFor(name);
}

function hasKindField(name: string): boolean {
  return modelFor(name)?.fields.some((x) => x.json === 'kind') ?? false;
}

// parseType turns an attributeTypeMap type string into a TypeRef.
export function parseType(type: string, format = ''): TypeRef {
  const t = type.trim();
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return { kind: 'array', item: parseType(arr[1] ?? '') };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { kind: 'map', value: parseType(map[1] ?? '', format) };
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'Date' || t === 'any' || t === 'IntOrString') return { kind: 'primitive', name: t, format };
  if (t === 'object') return { kind: 'primitive', name: 'any', format };
  return { kind: 'model', name: t };
}

// goTypeName renders a TypeRef the way Go's encoding/json names it in "cannot unmarshal" errors.
export function goTypeName(t: TypeRef): string {
  switch (t.kind) {
    case 'array': return `[]${goTypeName(t.item)}`;
    case 'map': return `map[string]${goTypeName(t.value)}`;
    case 'model': return `${goPackage(t.name)}.${goStructName(t.name)}`;
    case 'primitive':
      if (t.name === 'number') return t.format === 'int32' ? 'int32' : t.format === 'int64' ? 'int64' : 'float64';
      if (t.name === 'boolean') return 'bool';
      if (t.name === 'IntOrString') return 'intstr.IntOrString';
      if (t.name === 'Date') return 'v1.Time';
      return t.name === 'any' ? 'interface {}' : 'string';
  }
}

// goStructName strips the generated group/version prefix: 'CoreV1EndpointPort' → 'EndpointPort'.
export function goStructName(model: string): string {
  return model.replace(/^[A-Z][a-z]*(?=V\d)/, '').replace(/^V\d+((alpha|beta)\d+)?/, '');
}

function goPackage(model: string): string {
  const m = /V(\d+(?:(?:alpha|beta)\d+)?)/.exec(model);
  return m ? `v${m[1] ?? ''}` : 'v1';
}
