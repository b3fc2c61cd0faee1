import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOpenAPI } from '../../openapi/index.ts';
import { decodeMessage } from './decode.ts';
import type { Json } from './decode.ts';
import { encodeOpenAPIv2 } from './openapi-v2.ts';
import { Schema } from './schema.ts';

// GNOSTIC is the part of gnostic's openapiv2/OpenAPIv2.proto the encoder writes (field numbers from the
// descriptor kubectl embeds), in schema.ts's format, so the encoder's output can be read back.
const GNOSTIC = new Schema([{
  'oa.Document': 'swagger=1:string info=2:oa.Info definitions=9:oa.Definitions',
  'oa.Info': 'title=1:string version=2:string description=3:string',
  'oa.Definitions': 'props=1:[]oa.NamedSchema',
  'oa.Properties': 'props=1:[]oa.NamedSchema',
  'oa.NamedSchema': 'name=1:string value=2:oa.Schema',
  'oa.NamedAny': 'name=1:string value=2:oa.Any',
  'oa.Any': 'yaml=2:string',
  'oa.TypeItem': 'value=1:[]string',
  'oa.ItemsItem': 'schema=1:[]oa.Schema',
  'oa.AdditionalPropertiesItem': 'schema=1:oa.Schema boolean=2:bool?',
  'oa.Schema': '$ref=1:string format=2:string title=3:string description=4:string default=5:oa.Any maximum=7:double? minimum=9:double? ' +
    'maxLength=11:int64? required=19:[]string enum=20:[]oa.Any additionalProperties=21:oa.AdditionalPropertiesItem type=22:oa.TypeItem ' +
    'items=23:oa.ItemsItem allOf=24:[]oa.Schema properties=25:oa.Properties readOnly=27:bool? ext=31:[]oa.NamedAny',
}]);

type Obj = { [k: string]: Json };
const yaml = (a: Json | undefined): Json => JSON.parse(String((a as Obj | undefined)?.yaml)) as Json;

// toJsonSchema turns a decoded gnostic Schema back into the JSON Schema it was encoded from.
function toJsonSchema(s: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    const o = v as Obj;
    if (k === 'type') { const t = o.value as string[]; out.type = t.length === 1 ? (t[0] ?? '') : t; }
    else if (k === 'items') { const l = (o.schema as Obj[]).map(toJsonSchema); out.items = l.length === 1 ? (l[0] ?? {}) : l; }
    else if (k === 'properties') out.properties = named(o.props as Obj[]);
    else if (k === 'additionalProperties') out.additionalProperties = o.schema ? toJsonSchema(o.schema as Obj) : (o.boolean as boolean);
    else if (k === 'ext') for (const e of v as Obj[]) out[String(e.name)] = yaml(e.value);
    else if (k === 'default') out.default = yaml(v);
    else if (k === 'enum') out.enum = (v as Json[]).map(yaml);
    else if (k === 'allOf') out.allOf = (v as Obj[]).map(toJsonSchema);
    else out[k] = v;
  }
  return out;
}
function named(list: Obj[]): Obj {
  return Object.fromEntries(list.map((n) => [String(n.name), toJsonSchema((n.value ?? {}) as Obj)]));
}

test('encodeOpenAPIv2 schema cases read back', () => {
  const cases = [
    { desc: 'type and format', in: { type: 'integer', format: 'int32' } },
    { desc: 'ref and description', in: { $ref: '#/definitions/x', description: 'd' } },
    { desc: 'array of objects with required', in: { type: 'array', items: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } } },
    { desc: 'additionalProperties schema', in: { type: 'object', additionalProperties: { type: 'string' } } },
    { desc: 'additionalProperties false', in: { type: 'object', additionalProperties: false } },
    { desc: 'vendor extensions, enum, default', in: { type: 'string', enum: ['A', 'B'], default: 'A', 'x-kubernetes-list-map-keys': ['port', 'protocol'], 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Service', version: 'v1' }] } },
    { desc: 'numbers and flags', in: { type: 'number', maximum: 2.5, minimum: -1, maxLength: 63, readOnly: true } },
    { desc: 'allOf', in: { allOf: [{ $ref: '#/definitions/a' }] } },
  ];
  for (const c of cases) {
    const doc = decodeMessage(GNOSTIC, 'oa.Document', encodeOpenAPIv2({ swagger: '2.0', info: { title: 'T', version: 'v' }, definitions: { s: c.in } })) as Obj;
    assert.deepEqual(doc.info, { title: 'T', version: 'v' });
    assert.deepEqual(named((doc.definitions as Obj).props as Obj[]), { s: c.in }, c.desc);
  }
});

test("Portico's whole v2 document survives the protobuf encoding", () => {
  const docs = buildOpenAPI();
  const json = JSON.parse(docs.v2.body) as Obj;
  const doc = decodeMessage(GNOSTIC, 'oa.Document', docs.v2Protobuf.body) as Obj;
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(named((doc.definitions as Obj).props as Obj[]), json.definitions);
});
