// definitions builds OpenAPI schemas for Portico's kinds by walking @kubernetes/client-node's generated
// models (their attributeTypeMap lists every field's name and type), named as Kubernetes names them:
// io.k8s.api.core.v1.Service, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ...
import * as k8s from '@kubernetes/client-node';
import { RESOURCES } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';
import { patchMetaFor } from './patch-meta.ts';

export type Schema = Record<string, unknown>;
interface Attribute { name: string; baseName: string; type: string; format: string }
interface ModelClass { attributeTypeMap?: Attribute[] }

const models = k8s as unknown as Record<string, ModelClass | undefined>;

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const META_TYPES = new Set(['ObjectMeta', 'ListMeta', 'OwnerReference', 'ManagedFieldsEntry', 'Condition', 'LabelSelector',
  'LabelSelectorRequirement', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'WatchEvent']);
const MODEL_NAME = /^(Core|Discovery|Apps|Networking|Coordination|Events)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

// packageOf is the Go package path a group's types live in: '' → io.k8s.api.core, 'apps' → io.k8s.api.apps.
export function packageOf(group: string, version: string): string {
  return `io.k8s.api.${group === '' ? 'core' : (group.split('.')[0] ?? group)}.${version}`;
}

// modelNameOf is the client-node class of a kind: V1Service, CoreV1Event (Event exists in two groups).
export function modelNameOf(kind: string, version: string, group: string): string {
  const plain = `V${version.slice(1)}${kind}`;
  return group === '' && models[`Core${plain}`] ? `Core${plain}` : plain;
}

export interface Definitions {
  schemas: Map<string, Schema>;               // definition name → schema with refs as `${REF}name`
  rootName: Map<ResourceInfo, { kind: string; list: string }>;  // resource → its kind and list definition names
}

// buildDefinitions walks every served kind (and its list) from the models; refPrefix is
// '#/definitions/' (v2) or '#/components/schemas/' (v3).
export function buildDefinitions(refPrefix: string): Definitions {
  const w = new Walker(refPrefix);
  w.schemas.set(INT_OR_STRING, { type: 'string', format: 'int-or-string' });
  const rootName = new Map<ResourceInfo, { kind: string; list: string }>();
  for (const info of RESOURCES) {
    if (info.storage) continue;
    const pkg = packageOf(info.group, info.version);
    const kind = w.visit(modelNameOf(info.kind, info.version, info.group), pkg);
    const list = w.visit(modelNameOf(info.listKind, info.version, info.group), pkg);
    if (kind === undefined || list === undefined) continue;
    const gvk = [{ group: info.group, version: info.version, kind: info.kind }];
    (w.schemas.get(kind) ?? {})['x-kubernetes-group-version-kind'] = gvk;
    (w.schemas.get(list) ?? {})['x-kubernetes-group-version-kind'] = [{ ...gvk[0], kind: info.listKind }];
    rootName.set(info, { kind, list });
  }
  for (const extra of ['V1Status', 'V1DeleteOptions', 'V1WatchEvent', 'V1Preconditions']) w.visit(extra, META);
  return { schemas: w.schemas, rootName };
}

class Walker {
  readonly schemas = new Map<string, Schema>();
  readonly names = new Map<string, string>();   // model class → definition name
  readonly refPrefix: string;
  constructor(refPrefix: string) { this.refPrefix = refPrefix; }

  // visit names a model (first visit wins its package) and builds its schema; undefined if unknown.
  visit(model: string, pkg: string): string | undefined {
    const known = this.names.get(model);
    if (known !== undefined) return known;
    const cls = models[model];
    const m = MODEL_NAME.exec(model);
    if (!cls?.attributeTypeMap || !m) return undefined;
    const short = m[3] ?? model;
    const version = (m[2] ?? 'V1').toLowerCase();
    const prefix = m[1] ? packageOf(m[1] === 'Core' ? '' : m[1].toLowerCase(), version) : (META_TYPES.has(short) ? META : pkg.replace(/\.v\w+$/, `.${version}`));
    const name = `${prefix}.${short}`;
    this.names.set(model, name);
    const schema: Schema = { type: 'object' };
    this.schemas.set(name, schema);
    const props: Record<string, Schema> = {};
    for (const a of cls.attributeTypeMap) props[a.baseName] = this.field(short, a, prefix);
    schema['properties'] = props;
    return name;
  }

  private field(owner: string, a: Attribute, pkg: string): Schema {
    const s = this.typeSchema(a.type, a.format, pkg);
    return { ...s, ...patchMetaFor(owner, a.baseName) };
  }

  private typeSchema(type: string, format: string, pkg: string): Schema {
    if (type.startsWith('Array<') && type.endsWith('>')) return { type: 'array', items: this.typeSchema(type.slice(6, -1), format, pkg) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1] ?? 'string', format === 'byte' ? '' : format, pkg) };
    switch (type) {
      case 'string': return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'number': return format === 'double' ? { type: 'number', format: 'double' } : { type: 'integer', format: format || 'int64' };
      case 'boolean': return { type: 'boolean' };
      case 'Date': return { type: 'string', format: 'date-time' };
      case 'IntOrString': return { $ref: this.refPrefix + INT_OR_STRING };
      case 'any': case 'object': return { type: 'object' };
      default: {
        if (format === 'date-time-micro') return { type: 'string', format: 'date-time' };
        const name = this.visit(type, pkg);
        return name === undefined ? { type: 'object' } : { $ref: this.refPrefix + name };
      }
    }
  }
}
