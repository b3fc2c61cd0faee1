// table holds the meta.k8s.io/v1 Table vocabulary and the helpers every printer shares.
import type { KubeObject } from '../types.ts';

export interface TableColumnDefinition { name: string; type: string; format: string; description: string; priority: number }
export interface TableRowCondition { type: string; status: string; reason?: string; message?: string }
export interface TableRow { cells: unknown[]; conditions?: TableRowCondition[]; object?: KubeObject }
export interface Table {
  kind: 'Table'; apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';
export interface PrintOptions { wide: boolean; includeObject: IncludeObject; now?: number }

// PrintContext is what a printer's row function sees: GenerateOptions.Wide and the clock.
export interface PrintContext { wide: boolean; now: number }
export interface PrintedRow { cells: unknown[]; conditions?: TableRowCondition[] }

// Printer is one kind's columns (in printers.go order, wide ones with priority 1) and its row function,
// which appends the wide cells only when ctx.wide.
export interface Printer { columns: TableColumnDefinition[]; row(obj: KubeObject, ctx: PrintContext): PrintedRow }

export const NAME_DOC = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DOC = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

// col makes a column definition; wide columns have priority 1.
export function col(name: string, description: string, opts: { type?: string; format?: string; wide?: boolean } = {}): TableColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.wide === true ? 1 : 0 };
}
export const nameCol = (): TableColumnDefinition => col('Name', NAME_DOC, { format: 'name' });
export const ageCol = (): TableColumnDefinition => col('Age', AGE_DOC);

export const CONTAINERS_DOC = 'Names of each container in the template.';
export const IMAGES_DOC = 'Images referenced by each container in the template.';

// Loose readers of untyped object fields: printers read stored JSON, so every field may be missing.
export type Obj = Record<string, unknown>;
export function obj(v: unknown): Obj { return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Obj : {}; }
export function arr(v: unknown): Obj[] { return Array.isArray(v) ? v.map(obj) : []; }
export function str(v: unknown): string { return typeof v === 'string' ? v : ''; }
export function num(v: unknown): number { return typeof v === 'number' && Number.isFinite(v) ? v : 0; }
export function strs(v: unknown): string[] { return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []; }
export function at(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = obj(cur)[p];
  return cur;
}

// formatLabels is labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty.
export function formatLabels(m: unknown): string {
  const o = obj(m);
  const keys = Object.keys(o).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${str(o[k])}`).join(',');
}

// selectorString is metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, "" when
// empty; undefined when an operator is unknown (the selector is invalid).
export function selectorString(sel: unknown): string | undefined {
  const s = obj(sel);
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(obj(s['matchLabels']))) reqs.push([k, `${k}=${str(v)}`]);
  for (const e of arr(s['matchExpressions'])) {
    const key = str(e['key']);
    const values = `(${[...strs(e['values'])].sort().join(',')})`;
    const op = str(e['operator']);
    if (op === 'In') reqs.push([key, `${key} in ${values}`]);
    else if (op === 'NotIn') reqs.push([key, `${key} notin ${values}`]);
    else if (op === 'Exists') reqs.push([key, key]);
    else if (op === 'DoesNotExist') reqs.push([key, `!${key}`]);
    else return undefined;
  }
  reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return reqs.map((r) => r[1]).join(',');
}

// formatLabelSelector is metav1.FormatLabelSelector: "<none>" when empty, "<error>" when invalid.
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

// containerCells is layoutContainerCells: container names and images, comma-joined.
export function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(obj(podSpec)['containers']);
  return [cs.map((c) => str(c['name'])).join(','), cs.map((c) => str(c['image'])).join(',')];
}

// listWithMore joins at most max items and says how many more there were.
export function listWithMore(list: string[], count: number, max: number, empty: string): string {
  const ret = list.slice(0, max).join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === '' ? empty : ret;
}

// loadBalancerStatus is loadBalancerStatusStringer: ingress IPs (or hostnames), sorted, unique,
// cut to 16 characters unless wide.
export function loadBalancerStatus(lb: unknown, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of arr(obj(lb)['ingress'])) {
    const v = str(ing['ip']) || str(ing['hostname']);
    if (v !== '') set.add(v);
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}
