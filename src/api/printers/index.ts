// printers build the meta.k8s.io/v1 Table that `kubectl get` asks the server for, with the columns and
// cells of Kubernetes' pkg/printers/internalversion, one printer per kind in a registry. A kind without
// a printer gets kube-apiserver's default columns (Name, Created At).
import type { ResourceInfo } from '../scheme.ts';
import type { KubeObject } from '../types.ts';
import { NAME_DOC, col, type PrintOptions, type Printer, type Table, type TableRow } from './table.ts';
import { podPrinter } from './pod.ts';
import { configMapPrinter, eventPrinter, namespacePrinter, nodePrinter, secretPrinter } from './core.ts';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service.ts';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, replicationControllerPrinter } from './workloads.ts';
import { ingressClassPrinter, ingressPrinter, leasePrinter } from './networking.ts';
import { timeOf } from './duration.ts';

export { humanDuration } from './duration.ts';
export { renderTable, type RenderOptions } from './render.ts';
export type { IncludeObject, PrintOptions, Table, TableColumnDefinition, TableRow, TableRowCondition } from './table.ts';

// PRINTERS maps "group/Kind" to its printer (extensions Ingress prints as networking's).
const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['/Namespace', namespacePrinter], ['/Node', nodePrinter], ['/Pod', podPrinter], ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter], ['/ConfigMap', configMapPrinter], ['/Secret', secretPrinter], ['/Event', eventPrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['networking.k8s.io/Ingress', ingressPrinter], ['extensions/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['apps/Deployment', deploymentPrinter], ['apps/ReplicaSet', replicaSetPrinter], ['apps/DaemonSet', daemonSetPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
]);

// defaultPrinter is kube-apiserver's default table convertor: the name and the creation time.
const defaultPrinter: Printer = {
  columns: [
    col('Name', NAME_DOC, { format: 'name' }),
    col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' }),
  ],
  row: (o) => {
    const t = timeOf(o.metadata?.creationTimestamp);
    return { cells: [o.metadata?.name ?? '', t === undefined ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')] };
  },
};

// printerFor returns the printer of a resource's kind.
export function printerFor(info: Pick<ResourceInfo, 'group' | 'kind'>): Printer {
  return PRINTERS.get(`${info.group}/${info.kind}`) ?? defaultPrinter;
}

// printTable prints objs. As printers.GenerateOptions.Wide, opts.wide adds the priority-1 columns and
// their cells (kube-apiserver always generates wide tables; kubectl hides priority > 0 columns unless
// -o wide). opts.now (epoch ms) is the clock for AGE; metadata.resourceVersion is left to the caller.
export function printTable(info: ResourceInfo, objs: KubeObject[], opts: PrintOptions): Table {
  const printer = printerFor(info);
  const ctx = { wide: opts.wide, now: opts.now ?? Date.now() };
  const rows = objs.map((o): TableRow => {
    const printed = printer.row(o, ctx);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    const object = rowObject(o, opts.includeObject);
    if (object) row.object = object;
    return row;
  });
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {},
    columnDefinitions: printer.columns.filter((c) => opts.wide || c.priority === 0),
    rows,
  };
}

// rowObject is the row's object per includeObject: none, the whole object, or its PartialObjectMetadata.
function rowObject(o: KubeObject, inc: PrintOptions['includeObject']): KubeObject | undefined {
  if (inc === 'None') return undefined;
  if (inc === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
}
