// pod is printPod of pkg/printers/internalversion: READY, STATUS (the kubelet's reason for the pod's
// state), RESTARTS (with the age of the last restart) and, wide, IP, NODE, NOMINATED NODE, READINESS GATES.
import type { KubeObject } from '../types.ts';
import { since, timeOf } from './duration.ts';
import { ageCol, arr, col, nameCol, num, obj, str, type Obj, type PrintContext, type PrintedRow, type Printer, type TableRowCondition } from './table.ts';

const columns = [
  nameCol(),
  col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageCol(),
  col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { wide: true }),
  col('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', { wide: true }),
  col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', { wide: true }),
  col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', { wide: true }),
];

const succeeded: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const failed: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

// PodState accumulates what the container statuses say.
interface PodState { reason: string; ready: number; total: number; restarts: number; lastRestart: number }

function conditionTrue(status: Obj, type: string): boolean {
  return arr(status['conditions']).some((c) => c['type'] === type && c['status'] === 'True');
}

function lastTermination(cs: Obj): number {
  return timeOf(obj(obj(cs['lastState'])['terminated'])['finishedAt']) ?? 0;
}

function terminatedReason(t: Obj, prefix: string): string {
  if (str(t['reason']) !== '') return prefix + str(t['reason']);
  return num(t['signal']) !== 0 ? `${prefix}Signal:${num(t['signal'])}` : `${prefix}ExitCode:${num(t['exitCode'])}`;
}

// initContainersState walks init container statuses; it returns true while the pod is initializing.
function initContainersState(spec: Obj, status: Obj, st: PodState, sidecar: { restarts: number; last: number }): boolean {
  const inits = arr(spec['initContainers']);
  const restartable = new Set(inits.filter((c) => c['restartPolicy'] === 'Always').map((c) => str(c['name'])));
  const statuses = arr(status['initContainerStatuses']);
  for (const [i, cs] of statuses.entries()) {
    st.restarts += num(cs['restartCount']);
    st.lastRestart = Math.max(st.lastRestart, lastTermination(cs));
    const isSidecar = restartable.has(str(cs['name']));
    if (isSidecar) {
      sidecar.restarts += num(cs['restartCount']);
      sidecar.last = Math.max(sidecar.last, lastTermination(cs));
    }
    const state = obj(cs['state']);
    const term = state['terminated'] === undefined ? undefined : obj(state['terminated']);
    const waiting = obj(state['waiting']);
    if (term && num(term['exitCode']) === 0) continue;
    if (isSidecar && cs['started'] === true) { if (cs['ready'] === true) st.ready++; continue; }
    if (term) st.reason = terminatedReason(term, 'Init:');
    else if (str(waiting['reason']) !== '' && waiting['reason'] !== 'PodInitializing') st.reason = `Init:${str(waiting['reason'])}`;
    else st.reason = `Init:${i}/${inits.length}`;
    return true;
  }
  return false;
}

// containersState walks container statuses from the last, as printPod does.
function containersState(status: Obj, st: PodState): void {
  let hasRunning = false;
  const statuses = arr(status['containerStatuses']);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = obj(statuses[i]);
    st.restarts += num(cs['restartCount']);
    st.lastRestart = Math.max(st.lastRestart, lastTermination(cs));
    const state = obj(cs['state']);
    const waiting = obj(state['waiting']);
    const term = state['terminated'] === undefined ? undefined : obj(state['terminated']);
    if (str(waiting['reason']) !== '') st.reason = str(waiting['reason']);
    else if (term) st.reason = terminatedReason(term, '');
    else if (cs['ready'] === true && state['running'] !== undefined) { hasRunning = true; st.ready++; }
  }
  if (st.reason === 'Completed' && hasRunning) st.reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
}

function podState(o: KubeObject): PodState {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const inits = arr(spec['initContainers']);
  const total = arr(spec['containers']).length + inits.filter((c) => c['restartPolicy'] === 'Always').length;
  const st: PodState = { reason: str(status['reason']) || str(status['phase']), ready: 0, total, restarts: 0, lastRestart: 0 };
  if (arr(status['conditions']).some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated')) st.reason = 'SchedulingGated';
  const sidecar = { restarts: 0, last: 0 };
  const initializing = initContainersState(spec, status, st, sidecar);
  if (!initializing || conditionTrue(status, 'Initialized')) {
    st.restarts = sidecar.restarts;
    st.lastRestart = sidecar.last;
    containersState(status, st);
  }
  const phase = str(status['phase']);
  if (o.metadata?.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null) {
    if (status['reason'] === 'NodeLost') st.reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') st.reason = 'Terminating';
  }
  return st;
}

function wideCells(o: KubeObject): string[] {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  // podIP is authoritative over podIPs[0], as in the v1 → internal conversion printPod reads.
  const ip = str(status['podIP']) || str(arr(status['podIPs'])[0]?.['ip']) || '<none>';
  const gates = arr(spec['readinessGates']);
  let readiness = '<none>';
  if (gates.length > 0) {
    const conds = arr(status['conditions']);
    const ok = gates.filter((g) => conds.find((c) => c['type'] === g['conditionType'])?.['status'] === 'True').length;
    readiness = `${ok}/${gates.length}`;
  }
  return [ip, str(spec['nodeName']) || '<none>', str(status['nominatedNodeName']) || '<none>', readiness];
}

function row(o: KubeObject, ctx: PrintContext): PrintedRow {
  const st = podState(o);
  const restarts = st.restarts !== 0 && st.lastRestart !== 0
    ? `${st.restarts} (${since(new Date(st.lastRestart), ctx.now)} ago)` : String(st.restarts);
  const cells: unknown[] = [o.metadata?.name ?? '', `${st.ready}/${st.total}`, st.reason, restarts, since(o.metadata?.creationTimestamp, ctx.now)];
  if (ctx.wide) cells.push(...wideCells(o));
  const phase = str(obj(o['status'])['phase']);
  const out: PrintedRow = { cells };
  if (phase === 'Succeeded') out.conditions = succeeded;
  if (phase === 'Failed') out.conditions = failed;
  return out;
}

export const podPrinter: Printer = { columns, row };
