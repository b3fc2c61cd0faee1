// get is `portico get TYPE[/NAME] [NAME...] [-n NS | -A] [-o wide|yaml|json|name] [-l selector]`,
// printed from the server's Table (kubectl's columns) or as YAML/JSON/names.
import { stringify } from 'yaml';
import { apiVersionOf } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { HttpObjectClient } from './http-client.ts';
import { CliError, kindName, resolveResource, resolveTypes } from './resources.ts';
import { alignColumns, tableLines } from './table-print.ts';
import type { Table, TableRow } from './table-print.ts';

export interface GetOptions {
  namespace: string;
  allNamespaces: boolean;
  output: string;             // '' (table), wide, yaml, json, name
  selector?: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface GetRequest { info: ResourceInfo; names: string[] }

// parseGetTargets reads "svc,ep", "svc nginx web", "svc/nginx ep/nginx" into requests (in order).
export function parseGetTargets(args: readonly string[]): GetRequest[] {
  const first = args[0];
  if (first === undefined) throw new CliError('You must specify the type of resource to get.');
  if (args.every((a) => a.includes('/'))) {
    const out: GetRequest[] = [];
    for (const a of args) {
      const [t, n] = a.split('/', 2);
      const info = resolveResource(t ?? '');
      const hit = out.find((r) => r.info === info);
      if (hit) hit.names.push(n ?? ''); else out.push({ info, names: [n ?? ''] });
    }
    return out;
  }
  if (args.slice(1).some((a) => a.includes('/'))) throw new CliError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  const infos = resolveTypes(first);
  if (infos.length > 1 && args.length > 1) throw new CliError('names cannot be given with several resource types');
  return infos.map((info) => ({ info, names: args.slice(1) }));
}

export async function runGet(client: HttpObjectClient, reqs: GetRequest[], o: GetOptions): Promise<number> {
  const ns = (info: ResourceInfo) => (info.namespaced && !o.allNamespaces ? o.namespace : undefined);
  if (o.output === 'yaml' || o.output === 'json' || o.output === 'name') return printObjects(client, reqs, ns, o);
  const blocks: string[] = [];
  let code = 0;
  const multi = reqs.length > 1;
  for (const r of reqs) {
    const rows: TableRow[] = [];
    let table: Table | undefined;
    const targets = r.names.length > 0 ? r.names : [undefined];
    for (const name of targets) {
      try {
        const t = await client.table(r.info, ns(r.info), name, o.selector ? { labelSelector: o.selector } : {}) as Table;
        table ??= t;
        rows.push(...(t.rows ?? []));
      } catch (e) {
        o.err(`Error from server (${(e as { reason?: string }).reason ?? 'Error'}): ${(e as Error).message}`);
        code = 1;
      }
    }
    if (!table || rows.length === 0) continue;
    const lines = tableLines({ ...table, rows }, {
      wide: o.output === 'wide',
      ...(multi ? { namePrefix: kindName(r.info, '') } : {}),
      ...(o.allNamespaces && r.info.namespaced ? { namespaceOf: rowNamespace } : {}),
    });
    blocks.push(alignColumns(lines).join('\n') + '\n');
  }
  if (blocks.length === 0 && code === 0) {
    o.err(o.allNamespaces || !reqs.some((r) => r.info.namespaced) ? 'No resources found' : `No resources found in ${o.namespace} namespace.`);
  }
  if (blocks.length > 0) o.out(blocks.join('\n'));
  return code;
}

// YAML_OPTIONS print as kubectl's (Go) YAML: sorted keys, unindented sequences, YAML 1.1 quoting
// (timestamps, yes/no/on/off are quoted strings).
const YAML_OPTIONS = { version: '1.1', indentSeq: false, sortMapEntries: true } as const;

// sortKeys orders map keys as Go's encoding/json does for kubectl's unstructured objects.
function sortKeys(_k: string, v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function rowNamespace(row: TableRow): string {
  const obj = row.object as KubeObject | undefined;
  return obj?.metadata?.namespace ?? '';
}

async function printObjects(client: HttpObjectClient, reqs: GetRequest[], ns: (i: ResourceInfo) => string | undefined, o: GetOptions): Promise<number> {
  const items: { info: ResourceInfo; obj: KubeObject }[] = [];
  let code = 0;
  let single = reqs.length === 1 && reqs[0]?.names.length === 1;
  for (const r of reqs) {
    try {
      if (r.names.length === 0) {
        const list = await client.list(r.info, ns(r.info), o.selector ? { labelSelector: o.selector } : {});
        for (const obj of list.items) items.push({ info: r.info, obj: { apiVersion: apiVersionOf(r.info), kind: r.info.kind, ...obj } });
      } else {
        for (const n of r.names) items.push({ info: r.info, obj: await client.get(r.info, ns(r.info), n) });
      }
    } catch (e) {
      o.err(`Error from server (${(e as { reason?: string }).reason ?? 'Error'}): ${(e as Error).message}`);
      code = 1; single = false;
    }
  }
  if (o.output === 'name') {
    if (items.length > 0) o.out(items.map((x) => kindName(x.info, x.obj.metadata?.name ?? '')).join('\n') + '\n');
    return code;
  }
  const doc = single && items[0] ? items[0].obj : { apiVersion: 'v1', items: items.map((x) => x.obj), kind: 'List', metadata: { resourceVersion: '' } };
  o.out(o.output === 'json' ? JSON.stringify(doc, sortKeys, 4) + '\n' : stringify(doc, YAML_OPTIONS));
  return code;
}
