// workloads holds the printers of apps/v1 Deployment, ReplicaSet, DaemonSet and core/v1
// ReplicationController (printDeployment, printReplicaSet, printDaemonSet, printReplicationController).
import type { KubeObject } from '../types.ts';
import { since } from './duration.ts';
import { ageCol, at, col, containerCells, formatLabelSelector, formatLabels, nameCol, num, obj, selectorString, CONTAINERS_DOC, IMAGES_DOC, type PrintContext, type Printer, type TableColumnDefinition } from './table.ts';

const age = (o: KubeObject, ctx: PrintContext): string => since(o.metadata?.creationTimestamp, ctx.now);
const name = (o: KubeObject): string => o.metadata?.name ?? '';

function wideColumns(selectorDoc: string): TableColumnDefinition[] {
  return [col('Containers', CONTAINERS_DOC, { wide: true }), col('Images', IMAGES_DOC, { wide: true }), col('Selector', selectorDoc, { wide: true })];
}

// wideCells are the container names, images and the selector of a workload's pod template.
function wideCells(o: KubeObject, selector: string): string[] {
  return [...containerCells(at(o, 'spec', 'template', 'spec')), selector];
}

const int = { type: 'integer' };
const SELECTOR_DOC = 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';

export const deploymentPrinter: Printer = {
  columns: [
    nameCol(), col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageCol(), ...wideColumns(SELECTOR_DOC),
  ],
  row: (o, ctx) => {
    const spec = obj(o['spec']);
    const status = obj(o['status']);
    const cells: unknown[] = [name(o), `${num(status['readyReplicas'])}/${num(spec['replicas'])}`, num(status['updatedReplicas']), num(status['availableReplicas']), age(o, ctx)];
    if (ctx.wide) cells.push(...wideCells(o, selectorString(spec['selector']) ?? '<invalid>'));
    return { cells };
  },
};

function replicaColumns(selectorDoc: string): TableColumnDefinition[] {
  return [
    nameCol(), col('Desired', 'Replicas is the number of desired replicas.', int), col('Current', 'Replicas is the most recently observed number of replicas.', int),
    col('Ready', 'The number of ready replicas for this replica set.', int), ageCol(), ...wideColumns(selectorDoc),
  ];
}

function replicaRow(selector: (o: KubeObject) => string): Printer['row'] {
  return (o, ctx) => {
    const status = obj(o['status']);
    const cells: unknown[] = [name(o), num(at(o, 'spec', 'replicas')), num(status['replicas']), num(status['readyReplicas']), age(o, ctx)];
    if (ctx.wide) cells.push(...wideCells(o, selector(o)));
    return { cells };
  };
}

export const replicaSetPrinter: Printer = {
  columns: replicaColumns('Selector is a label query over pods that should match the replica count.'),
  row: replicaRow((o) => formatLabelSelector(at(o, 'spec', 'selector'))),
};

export const replicationControllerPrinter: Printer = {
  columns: replicaColumns('Selector is a label query over pods that should match the Replicas count.'),
  row: replicaRow((o) => formatLabels(at(o, 'spec', 'selector'))),
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameCol(), col('Desired', 'The total number of nodes that should be running the daemon pod.', int),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', int),
    col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', int),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', int),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', int),
    col('Node Selector', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    ageCol(), ...wideColumns('A label query over pods that are managed by the daemon set.'),
  ],
  row: (o, ctx) => {
    const s = obj(o['status']);
    const cells: unknown[] = [name(o), num(s['desiredNumberScheduled']), num(s['currentNumberScheduled']), num(s['numberReady']),
      num(s['updatedNumberScheduled']), num(s['numberAvailable']), formatLabels(at(o, 'spec', 'template', 'spec', 'nodeSelector')), age(o, ctx)];
    if (ctx.wide) cells.push(...wideCells(o, formatLabelSelector(at(o, 'spec', 'selector'))));
    return { cells };
  },
};
