// gen-tables writes tables/*.ts from the protobuf descriptors a Kubernetes Go binary embeds (every
// k8s.io/api generated.pb.go registers its generated.proto as a gzipped FileDescriptorProto), so the
// field numbers are Kubernetes' own. Run: node src/apiserver/http/protobuf/gen-tables.ts /usr/bin/kubectl
// It keeps only the messages reachable from ROOTS. A scalar without (gogoproto.nullable) = false is a Go
// pointer (its zero value is kept); INLINE lists the embedded structs JSON inlines.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { readFields, toInt32 } from './wire.ts';

export const ROOTS = [
  'core.v1.Namespace', 'core.v1.ConfigMap', 'core.v1.Secret', 'core.v1.Service', 'core.v1.Pod', 'core.v1.Endpoints',
  'core.v1.Node', 'core.v1.Event', 'core.v1.ReplicationController',
  'apps.v1.Deployment', 'apps.v1.ReplicaSet', 'apps.v1.DaemonSet',
  'networking.v1.Ingress', 'networking.v1.IngressClass', 'discovery.v1.EndpointSlice', 'coordination.v1.Lease',
  'meta.v1.DeleteOptions', 'runtime.Unknown',
];

// INLINE lists the embedded Go structs that JSON inlines (json:",inline"); descriptors cannot tell them
// from named fields. Every embedded LocalObjectReference (field localObjectReference) is inline too.
const INLINE = new Set(['core.v1.Probe.handler', 'core.v1.Volume.volumeSource', 'networking.v1.IngressRule.ingressRuleValue',
  'core.v1.EphemeralContainer.ephemeralContainerCommon', 'core.v1.PersistentVolumeSpec.persistentVolumeSource']);

const SCALAR_BY_TYPE: Record<number, string> = { 1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 17: 'int32', 18: 'int64' };

const PREFIXES = ['k8s.io.api.', 'k8s.io.apimachinery.pkg.apis.', 'k8s.io.apimachinery.pkg.util.', 'k8s.io.apimachinery.pkg.api.', 'k8s.io.apimachinery.pkg.'];

// shortName maps `.k8s.io.api.core.v1.Service` to `core.v1.Service` (and apimachinery's to `meta.v1.…`, `intstr.…`).
export function shortName(full: string): string {
  const s = full.startsWith('.') ? full.slice(1) : full;
  for (const p of PREFIXES) if (s.startsWith(p)) return s.slice(p.length);
  return s;
}

// GOGO_NULLABLE is gogoproto's FieldOptions extension number for (gogoproto.nullable).
const GOGO_NULLABLE = 65001;

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

interface RawField { name: string; num: number; repeated: boolean; type: number; typeName: string; nullable: boolean }
interface RawMessage { name: string; fields: RawField[]; mapEntry: boolean }

function collect(pkg: string, buf: Uint8Array, out: Map<string, RawMessage>): void {
  const fs = readFields(buf);
  const name = `${pkg}.${text(fs.find((f) => f.num === 1)?.bytes ?? new Uint8Array())}`;
  const fields: RawField[] = [];
  let mapEntry = false;
  for (const f of fs) {
    if (f.num === 2) {
      const ff = readFields(f.bytes);
      const get = (n: number) => ff.find((x) => x.num === n);
      const opts = readFields(get(8)?.bytes ?? new Uint8Array());
      fields.push({ name: text(get(1)?.bytes ?? new Uint8Array()), num: toInt32(get(3)?.varint ?? 0n), repeated: get(4)?.varint === 3n,
        type: toInt32(get(5)?.varint ?? 0n), typeName: shortName(text(get(6)?.bytes ?? new Uint8Array())),
        nullable: !opts.some((o) => o.num === GOGO_NULLABLE && o.varint === 0n) });
    } else if (f.num === 3) collect(name, f.bytes, out);
    else if (f.num === 7) mapEntry = readFields(f.bytes).some((o) => o.num === 7 && o.varint === 1n);
  }
  out.set(name, { name, fields, mapEntry });
}

// descriptors finds every gzipped FileDescriptorProto of a k8s.io package in a binary.
export function descriptors(bin: Buffer): Map<string, RawMessage> {
  const out = new Map<string, RawMessage>();
  for (let i = bin.indexOf('\x1f\x8b\x08\x00', 0, 'latin1'); i >= 0; i = bin.indexOf('\x1f\x8b\x08\x00', i + 1, 'latin1')) {
    let d: Buffer;
    try { d = gunzipSync(bin.subarray(i, i + 400_000), { finishFlush: constants.Z_SYNC_FLUSH }); } catch { continue; }
    try {
      const fs = readFields(d);
      const pkg = text(fs.find((f) => f.num === 2)?.bytes ?? new Uint8Array());
      if (!pkg.startsWith('k8s.io.')) continue;
      for (const f of fs) if (f.num === 4) collect(shortName(pkg), f.bytes, out);
    } catch { continue; }
  }
  return out;
}

function fieldType(f: RawField, all: Map<string, RawMessage>): string {
  if (f.type === 11) {
    const entry = all.get(f.typeName);
    if (entry?.mapEntry) {
      const [k, v] = [entry.fields.find((x) => x.num === 1), entry.fields.find((x) => x.num === 2)];
      if (!k || !v) throw new TypeError(`map entry ${f.typeName} without key/value`);
      return `map<${fieldType(k, all)},${fieldType(v, all)}>`;
    }
    return f.typeName;
  }
  const s = SCALAR_BY_TYPE[f.type];
  if (!s) throw new TypeError(`unsupported field type ${f.type} in ${f.name}`);
  return s;
}

function isInline(m: RawMessage, f: RawField): boolean {
  if (f.type !== 11 || f.repeated) return false;
  return INLINE.has(`${m.name}.${f.name}`) || (f.name === 'localObjectReference' && f.typeName === 'core.v1.LocalObjectReference');
}

function line(m: RawMessage, all: Map<string, RawMessage>): string {
  return m.fields.map((f) => {
    const t = fieldType(f, all);
    const rep = f.repeated && !t.startsWith('map<') ? '[]' : '';
    const pointer = f.type !== 11 && !f.repeated && f.nullable;
    return `${isInline(m, f) ? '...' : ''}${f.name}=${f.num}:${rep}${t}${pointer ? '?' : ''}`;
  }).join(' ');
}

function closure(all: Map<string, RawMessage>): string[] {
  const seen = new Set<string>();
  const stack = [...ROOTS];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    const m = all.get(n);
    if (!m || seen.has(n)) continue;
    seen.add(n);
    for (const f of m.fields) if (f.type === 11) stack.push(f.typeName);
  }
  return [...seen].filter((n) => !all.get(n)?.mapEntry).sort();
}

// fileOf names the table file of a message: one per API group (apimachinery's share meta.ts).
function fileOf(name: string): string {
  const [a = '', b = ''] = name.split('.');
  return ['meta', 'runtime', 'intstr', 'resource'].includes(a) ? 'meta' : `${a}-${b}`;
}

function main(): void {
  const bin = process.argv[2] ?? '/usr/bin/kubectl';
  const all = descriptors(readFileSync(bin));
  const files = new Map<string, string[]>();
  for (const n of closure(all)) {
    const m = all.get(n);
    if (!m) continue;
    const f = fileOf(n);
    files.set(f, [...(files.get(f) ?? []), `  '${n}': '${line(m, all)}',`]);
  }
  for (const [f, lines] of files) {
    const ident = f.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
    const body = `// ${f} message tables, generated by gen-tables.ts from ${bin}'s embedded descriptors; do not edit.\n` +
      `// Format: see schema.ts.\nexport const ${ident}: Readonly<Record<string, string>> = {\n${lines.join('\n')}\n};\n`;
    writeFileSync(join(import.meta.dirname, 'tables', `${f}.ts`), body);
  }
}

if (import.meta.main) main();
