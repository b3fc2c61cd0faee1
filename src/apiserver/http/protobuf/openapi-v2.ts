// openapi-v2 encodes a Swagger 2.0 document as gnostic's openapi.v2.Document protobuf message, the
// body client-go decodes when it asks for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
// (whatever the response's Content-Type). It encodes swagger, info and every definition faithfully
// (gnostic's Schema message, vendor extensions as YAML in Any.yaml, the way gnostic compiles them);
// paths are left out: kubectl reads only definitions (kube-openapi's proto models) from this document.
import { Writer } from './wire.ts';

type Obj = { [k: string]: unknown };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// SCHEMA_STRINGS, SCHEMA_NUMBERS, … are gnostic Schema's field numbers (openapiv2/OpenAPIv2.proto).
const SCHEMA_STRINGS: Record<string, number> = { $ref: 1, format: 2, title: 3, description: 4, pattern: 13, discriminator: 26 };
const SCHEMA_DOUBLES: Record<string, number> = { multipleOf: 6, maximum: 7, minimum: 9 };
const SCHEMA_INTS: Record<string, number> = { maxLength: 11, minLength: 12, maxItems: 14, minItems: 15, maxProperties: 17, minProperties: 18 };
const SCHEMA_BOOLS: Record<string, number> = { exclusiveMaximum: 8, exclusiveMinimum: 10, uniqueItems: 16, readOnly: 27 };

// any encodes an openapi.v2.Any (yaml = 2): gnostic keeps arbitrary values as their YAML text; JSON is YAML.
function any(v: unknown): Uint8Array { return new Writer().string(2, JSON.stringify(v)).finish(); }

function named(name: string, value: Uint8Array): Uint8Array { return new Writer().string(1, name).bytes(2, value).finish(); }

function schemaFields(w: Writer, s: Obj): void {
  for (const [k, v] of Object.entries(s)) {
    const str = SCHEMA_STRINGS[k]; const dbl = SCHEMA_DOUBLES[k]; const int = SCHEMA_INTS[k]; const bool = SCHEMA_BOOLS[k];
    if (str !== undefined && typeof v === 'string') w.string(str, v);
    else if (dbl !== undefined && typeof v === 'number') w.double(dbl, v);
    else if (int !== undefined && typeof v === 'number') w.uint(int, v);
    else if (bool !== undefined && typeof v === 'boolean') w.bool(bool, v);
    else if (k === 'default') w.bytes(5, any(v));
    else if (k === 'example') w.bytes(30, any(v));
    else if (k === 'required' && Array.isArray(v)) { for (const r of v) w.string(19, String(r)); }
    else if (k === 'enum' && Array.isArray(v)) { for (const e of v) w.bytes(20, any(e)); }
    else if (k === 'additionalProperties') w.bytes(21, isObj(v) ? new Writer().bytes(1, encodeSchema(v)).finish() : new Writer().bool(2, v === true).finish());
    else if (k === 'type') w.bytes(22, stringArray(Array.isArray(v) ? v : [v]));
    else if (k === 'items') w.bytes(23, schemaList(1, Array.isArray(v) ? v : [v]));
    else if (k === 'allOf' && Array.isArray(v)) { for (const a of v) if (isObj(a)) w.bytes(24, encodeSchema(a)); }
    else if (k === 'properties' && isObj(v)) w.bytes(25, namedSchemas(v));
    else if (k.startsWith('x-')) w.bytes(31, named(k, any(v)));
  }
}

function stringArray(values: readonly unknown[]): Uint8Array {
  const w = new Writer();
  for (const v of values) w.string(1, String(v));
  return w.finish();
}

function schemaList(num: number, values: readonly unknown[]): Uint8Array {
  const w = new Writer();
  for (const v of values) if (isObj(v)) w.bytes(num, encodeSchema(v));
  return w.finish();
}

// namedSchemas encodes Properties/Definitions: repeated NamedSchema additional_properties = 1, in key order.
function namedSchemas(m: Obj): Uint8Array {
  const w = new Writer();
  for (const [name, s] of Object.entries(m)) if (isObj(s)) w.bytes(1, named(name, encodeSchema(s)));
  return w.finish();
}

// encodeSchema encodes one JSON Schema object as openapi.v2.Schema.
export function encodeSchema(s: Obj): Uint8Array {
  const w = new Writer();
  schemaFields(w, s);
  return w.finish();
}

function info(i: Obj): Uint8Array {
  const w = new Writer();
  if (typeof i.title === 'string') w.string(1, i.title);
  if (typeof i.version === 'string') w.string(2, i.version);
  if (typeof i.description === 'string') w.string(3, i.description);
  return w.finish();
}

// encodeOpenAPIv2 encodes a Swagger 2.0 document (swagger = 1, info = 2, definitions = 9).
export function encodeOpenAPIv2(doc: Obj): Uint8Array {
  const w = new Writer();
  w.string(1, typeof doc.swagger === 'string' ? doc.swagger : '2.0');
  w.bytes(2, info(isObj(doc.info) ? doc.info : {}));
  if (isObj(doc.definitions)) w.bytes(9, namedSchemas(doc.definitions));
  return w.finish();
}
