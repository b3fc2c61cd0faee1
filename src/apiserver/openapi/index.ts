// openapi builds, once, the OpenAPI documents kubectl reads: /openapi/v2 (Swagger 2.0, JSON) and
// /openapi/v3 (a root listing one document per group version, each addressed with its hash).
// Every document is serialized once with a strong ETag.
import { createHash } from 'node:crypto';
import { RESOURCES } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';
import { encodeOpenAPIv2 } from '../http/protobuf/index.ts';
import { buildDefinitions, META } from './definitions.ts';
import type { Schema } from './definitions.ts';
import { LEGACY_INGRESS, legacyIngressDefinitions } from './legacy-ingress.ts';
import { resourcePaths } from './paths.ts';
import type { Flavor } from './paths.ts';

export interface Document { body: string; etag: string; hash: string }

// BinaryDocument is a document in a binary encoding (the v2 document as gnostic protobuf).
export interface BinaryDocument { body: Uint8Array; etag: string }

export interface OpenAPIDocuments {
  v2: Document;
  v2Protobuf: BinaryDocument;
  v3Root: Document;
  v3: ReadonlyMap<string, Document>;   // "api/v1", "apis/apps/v1" → its document
}

const INFO = { title: 'Kubernetes', version: 'v1.32.0' };

function doc(value: unknown): Document {
  const body = JSON.stringify(value);
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase().slice(0, 128);
  return { body, etag: `"${hash}"`, hash };
}

function schemasFor(flavor: Flavor): { schemas: Map<string, Schema>; names: Map<ResourceInfo, { kind: string; list: string }>; ref: (n: string) => Schema } {
  const prefix = flavor === 'v2' ? '#/definitions/' : '#/components/schemas/';
  const ref = (n: string): Schema => ({ $ref: prefix + n });
  const d = buildDefinitions(prefix);
  d.schemas.set(`${META}.Patch`, { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' });
  for (const [k, v] of legacyIngressDefinitions(ref)) d.schemas.set(k, v);
  for (const info of RESOURCES) if (info.storage && info.group === 'extensions') d.rootName.set(info, LEGACY_INGRESS);
  return { schemas: d.schemas, names: d.rootName, ref };
}

function pathsFor(flavor: Flavor, infos: readonly ResourceInfo[], names: Map<ResourceInfo, { kind: string; list: string }>, ref: (n: string) => Schema): Record<string, Schema> {
  const paths: Record<string, Schema> = {};
  for (const info of infos) {
    const n = names.get(info);
    if (!n) continue;
    for (const [p, item] of resourcePaths({ flavor, ref, kindDef: n.kind, listDef: n.list }, info)) paths[p] = item;
  }
  return paths;
}

// buildOpenAPI generates every document; call once at server start.
export function buildOpenAPI(): OpenAPIDocuments {
  const s2 = schemasFor('v2');
  const v2Value = { swagger: '2.0', info: INFO, paths: pathsFor('v2', RESOURCES, s2.names, s2.ref), definitions: Object.fromEntries(s2.schemas) };
  const v2 = doc(v2Value);
  const pb = encodeOpenAPIv2(v2Value);
  const v2Protobuf = { body: pb, etag: `"${createHash('sha512').update(pb).digest('hex').toUpperCase().slice(0, 128)}"` };
  const s3 = schemasFor('v3');
  const components = { schemas: Object.fromEntries(s3.schemas) };
  const v3 = new Map<string, Document>();
  const gvs = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) {
    const key = info.group === '' ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
    gvs.set(key, [...(gvs.get(key) ?? []), info]);
  }
  for (const [key, infos] of gvs) {
    v3.set(key, doc({ openapi: '3.0.0', info: INFO, paths: pathsFor('v3', infos, s3.names, s3.ref), components }));
  }
  const rootPaths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, d] of v3) rootPaths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
  return { v2, v2Protobuf, v3Root: doc({ paths: rootPaths }), v3 };
}
