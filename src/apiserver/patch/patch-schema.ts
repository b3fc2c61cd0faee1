// patch-schema walks an object's structure the way strategicpatch's LookupPatchMeta walks Go types:
// from a kind's model type (client-node's generated models, whose attributeTypeMap names every field's
// JSON name and type) down to each field, joined with the struct tags in merge-keys.ts.
import { createRequire } from 'node:module';
import { patchMetaFor, type PatchMeta } from './merge-keys.ts';

// TypeRef is a field's type: a model struct, a list or string-keyed map of a type, or anything else
// (scalars, IntOrString, Date, unknown fields), which strategic merge treats as opaque.
export type TypeRef =
  | { kind: 'struct'; name: string }
  | { kind: 'list'; elem: TypeRef }
  | { kind: 'map'; elem: TypeRef }
  | { kind: 'opaque' };

export interface FieldMeta extends PatchMeta { type: TypeRef }

interface Attribute { baseName: string; type: string }

const OPAQUE: TypeRef = { kind: 'opaque' };
const require = createRequire(import.meta.url);
const models = new Map<string, ReadonlyMap<string, string> | undefined>();

// loadModel reads one generated model's attributeTypeMap (JSON name → type string), once.
function loadModel(name: string): ReadonlyMap<string, string> | undefined {
  if (models.has(name)) return models.get(name);
  let fields: Map<string, string> | undefined;
  if (/^[A-Z][A-Za-z0-9]*$/.test(name)) {
    try {
      const mod: unknown = require(`@kubernetes/client-node/dist/gen/models/${name}.js`);
      const attrs = readAttributes(mod, name);
      if (attrs) fields = new Map(attrs.map((a) => [a.baseName, a.type]));
    } catch {
      fields = undefined;
    }
  }
  models.set(name, fields);
  return fields;
}

function readAttributes(mod: unknown, name: string): Attribute[] | undefined {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const cls: unknown = (mod as Record<string, unknown>)[name];
  if (typeof cls !== 'function') return undefined;
  const map: unknown = (cls as unknown as Record<string, unknown>)['attributeTypeMap'];
  if (!Array.isArray(map)) return undefined;
  return map.filter((a): a is Attribute =>
    typeof a === 'object' && a !== null && typeof (a as Attribute).baseName === 'string' && typeof (a as Attribute).type === 'string');
}

// parseType turns a client-node type string ("Array<V1Container>", "{ [key: string]: string; }",
// "V1PodSpec", "string") into a TypeRef.
export function parseType(t: string): TypeRef {
  const s = t.trim();
  const arr = /^Array<(.+)>$/.exec(s);
  if (arr?.[1] !== undefined) return { kind: 'list', elem: parseType(arr[1]) };
  const map = /^\{ ?\[key: string\]: (.+?);? ?\}$/.exec(s);
  if (map?.[1] !== undefined) return { kind: 'map', elem: parseType(map[1]) };
  if (/^V\d/.test(s) && loadModel(s)) return { kind: 'struct', name: s };
  return OPAQUE;
}

// goTypeName strips client-node's version prefix: "V1PodSpec" → "PodSpec".
export function goTypeName(modelName: string): string {
  return modelName.replace(/^V\d+(?:alpha\d+|beta\d+)?/, '');
}

// rootType is the model type of a kind at a version ("Service", "v1" → struct V1Service); opaque when
// client-node has no model for it.
export function rootType(kind: string, version: string): TypeRef {
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  return loadModel(name) ? { kind: 'struct', name } : OPAQUE;
}

// lookupField is the type and patch tags of `key` inside a value of type `t`. Inside a map the
// element type applies with no tags (as Go's LookupPatchMetadata on a map); unknown fields are opaque.
export function lookupField(t: TypeRef, key: string): FieldMeta {
  if (t.kind === 'map') return { type: t.elem, strategies: [], mergeKey: '' };
  if (t.kind !== 'struct') return { type: OPAQUE, strategies: [], mergeKey: '' };
  const raw = loadModel(t.name)?.get(key);
  const meta = patchMetaFor(goTypeName(t.name), key);
  return { type: raw === undefined ? OPAQUE : parseType(raw), strategies: meta.strategies, mergeKey: meta.mergeKey };
}

// elemType is the element type of a list type (opaque otherwise).
export function elemType(t: TypeRef): TypeRef {
  return t.kind === 'list' ? t.elem : OPAQUE;
}
