// protobuf decodes request bodies in `application/vnd.kubernetes.protobuf`, which typed clients
// (kubectl create namespace|configmap|secret|service|deployment|ingress) send: the 4-byte magic
// `k8s\0`, then a runtime.Unknown whose typeMeta names the kind and whose raw holds the object's own
// message. The result is the JSON shape the registry takes. Responses stay JSON: clients decode by the
// response's Content-Type. Kinds without a table keep the 415 Unsupported Media Type.
import { badRequest, unsupportedMediaType } from '../../../lib/errors.ts';
import { decodeMessage } from './decode.ts';
import type { Json } from './decode.ts';
import { Schema } from './schema.ts';
import { readFields } from './wire.ts';
import { appsV1 } from './tables/apps-v1.ts';
import { coordinationV1 } from './tables/coordination-v1.ts';
import { coreV1 } from './tables/core-v1.ts';
import { discoveryV1 } from './tables/discovery-v1.ts';
import { meta } from './tables/meta.ts';
import { networkingV1 } from './tables/networking-v1.ts';

export { encodeOpenAPIv2 } from './openapi-v2.ts';

// PROTOBUF_MEDIA_TYPE is Kubernetes' protobuf media type.
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

// MAGIC prefixes every Kubernetes protobuf-encoded object.
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

// SCHEMA holds every message table Portico decodes.
export const SCHEMA = new Schema([meta, coreV1, appsV1, networkingV1, discoveryV1, coordinationV1]);

// messageName maps apiVersion + kind to its message (`networking.k8s.io/v1` Ingress → networking.v1.Ingress).
export function messageName(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? 'core' : (apiVersion.slice(0, slash).split('.')[0] ?? '');
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}.${version}.${kind}`;
}

const ACCEPTED = 'accepted media types include: application/json, application/yaml';

// decodeKubernetesProtobuf decodes a whole protobuf request body into an object with apiVersion and kind.
export function decodeKubernetesProtobuf(body: Uint8Array): Json {
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw badRequest('provided object is not a Kubernetes protobuf object: the body does not start with the "k8s\\x00" prefix');
  }
  let typeMeta: Json | undefined;
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.num === 1 && f.wire === 2) typeMeta = decodeMessage(SCHEMA, 'runtime.TypeMeta', f.bytes);
    else if (f.num === 2 && f.wire === 2) raw = f.bytes;
    else if (f.num === 3 && f.wire === 2) contentEncoding = Buffer.from(f.bytes).toString('utf8');
  }
  const u = { typeMeta: (typeMeta ?? {}) as { apiVersion?: string; kind?: string }, contentEncoding };
  const apiVersion = u.typeMeta?.apiVersion ?? '';
  const kind = u.typeMeta?.kind ?? '';
  if (kind === '') throw badRequest("Object 'Kind' is missing in protobuf body");
  if (u.contentEncoding) throw unsupportedMediaType(`protobuf content encoding ${JSON.stringify(u.contentEncoding)} is not supported; ${ACCEPTED}`);
  const name = messageName(apiVersion, kind);
  if (!SCHEMA.has(name)) {
    throw unsupportedMediaType(`the body of the request was in an unknown format: protobuf is not supported for ${kind} in version ${JSON.stringify(apiVersion)} - ${ACCEPTED}`);
  }
  const obj = decodeMessage(SCHEMA, name, raw);
  return { apiVersion, kind, ...(obj as { [k: string]: Json }) };
}
