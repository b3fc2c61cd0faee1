// table serves server-side printing: a meta.k8s.io Table for a list, an object or a watch event, with
// the columns of src/api/printers (loaded lazily so the API server runs before printers exist; a
// NAME/AGE printer stands in until then).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeList, KubeObject } from '../../api/types.ts';
import { badRequest } from '../../lib/errors.ts';

export type IncludeObject = 'None' | 'Object' | 'Metadata';
export interface TableOptions { wide: boolean; includeObject: IncludeObject }
// Table is a meta.k8s.io Table; its metadata is a ListMeta (resourceVersion, continue).
export interface Table { kind?: string; apiVersion?: string; metadata?: Record<string, unknown>; [key: string]: unknown }
export type PrintTable = (info: ResourceInfo, objs: KubeObject[], opts: TableOptions) => Table;

const PRINTERS_MODULE = '../../api/printers/index.ts';
let loaded: Promise<PrintTable> | undefined;

// loadPrintTable resolves the printers' printTable once, or the fallback if that module is absent.
export function loadPrintTable(): Promise<PrintTable> {
  loaded ??= import(PRINTERS_MODULE).then(
    (m: { printTable?: PrintTable }) => m.printTable ?? fallbackPrintTable,
    () => fallbackPrintTable,
  );
  return loaded;
}

// tableOptions reads ?includeObject (default Metadata, as kube-apiserver).
export function tableOptions(q: URLSearchParams): TableOptions {
  const inc = q.get('includeObject') ?? 'Metadata';
  if (inc !== 'None' && inc !== 'Object' && inc !== 'Metadata') throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(inc)}`);
  return { wide: true, includeObject: inc };
}

// listTable prints a list with the list's resourceVersion and continue token.
export function listTable(print: PrintTable, info: ResourceInfo, list: KubeList, opts: TableOptions, version: string): Table {
  const t = withVersion(print(info, list.items, opts), version);
  t.metadata = { ...list.metadata };
  return t;
}

// objectTable prints one object (a GET, a write, or a watch event).
export function objectTable(print: PrintTable, info: ResourceInfo, obj: KubeObject, opts: TableOptions, version: string): Table {
  const t = withVersion(print(info, [obj], opts), version);
  const rv = obj.metadata?.resourceVersion;
  t.metadata = rv !== undefined ? { resourceVersion: rv } : {};
  return t;
}

function withVersion(t: Table, version: string): Table {
  return { ...t, kind: 'Table', apiVersion: `meta.k8s.io/${version}` };
}

// rowObject renders a row's object per includeObject.
export function rowObject(obj: KubeObject, inc: IncludeObject): KubeObject | undefined {
  if (inc === 'None') return undefined;
  if (inc === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

// fallbackPrintTable prints NAME and AGE, as kube-apiserver's default table convertor does.
export function fallbackPrintTable(_info: ResourceInfo, objs: KubeObject[], opts: TableOptions): Table {
  const now = Date.now();
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
    ],
    rows: objs.map((o) => {
      const created = o.metadata?.creationTimestamp as unknown;
      const at = created instanceof Date ? created.toISOString() : typeof created === 'string' ? created : new Date(now).toISOString();
      const row: Record<string, unknown> = { cells: [o.metadata?.name ?? '', at] };
      const ro = rowObject(o, opts.includeObject);
      if (ro) row['object'] = ro;
      return row;
    }),
  };
}
