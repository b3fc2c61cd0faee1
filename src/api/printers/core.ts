// core holds the printers of core/v1 kinds other than Pod and the service kinds: Namespace, Node,
// ConfigMap, Secret, Event (printNamespace, printNode, printConfigMap, printSecret, printEvent).
import type { KubeObject } from '../types.ts';
import { since } from './duration.ts';
import { ageCol, arr, col, nameCol, num, obj, str, NAME_DOC, type PrintContext, type PrintedRow, type Printer } from './table.ts';

const age = (o: KubeObject, ctx: PrintContext): string => since(o.metadata?.creationTimestamp, ctx.now);
const name = (o: KubeObject): string => o.metadata?.name ?? '';

export const namespacePrinter: Printer = {
  columns: [nameCol(), col('Status', 'The status of the namespace'), ageCol()],
  row: (o, ctx) => ({ cells: [name(o), str(obj(o['status'])['phase']), age(o, ctx)] }),
};

const ROLE_PREFIX = 'node-role.kubernetes.io/';

// nodeRoles is findNodeRoles: node-role.kubernetes.io/<role> labels and kubernetes.io/role=<role>.
function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) { if (k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length)); }
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeRow(o: KubeObject, ctx: PrintContext): PrintedRow {
  const status = obj(o['status']);
  const ready = arr(status['conditions']).findLast((c) => c['type'] === 'Ready');
  const states = [ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady'];
  if (obj(o['spec'])['unschedulable'] === true) states.push('SchedulingDisabled');
  const info = obj(status['nodeInfo']);
  const cells: unknown[] = [name(o), states.join(','), nodeRoles(o), age(o, ctx), str(info['kubeletVersion'])];
  if (ctx.wide) {
    const addr = (type: string): string => str(arr(status['addresses']).find((a) => a['type'] === type)?.['address']) || '<none>';
    const orUnknown = (k: string): string => str(info[k]) || '<unknown>';
    cells.push(addr('InternalIP'), addr('ExternalIP'), orUnknown('osImage'), orUnknown('kernelVersion'), orUnknown('containerRuntimeVersion'));
  }
  return { cells };
}

export const nodePrinter: Printer = {
  columns: [
    nameCol(), col('Status', 'The status of the node'), col('Roles', 'The roles of the node'), ageCol(),
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', { wide: true }),
    col('External-IP', 'List of addresses reachable to the node.', { wide: true }),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { wide: true }),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { wide: true }),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { wide: true }),
  ],
  row: nodeRow,
};

export const configMapPrinter: Printer = {
  columns: [nameCol(), col('Data', 'Data contains the configuration data.'), ageCol()],
  row: (o, ctx) => ({ cells: [name(o), Object.keys(obj(o['data'])).length + Object.keys(obj(o['binaryData'])).length, age(o, ctx)] }),
};

export const secretPrinter: Printer = {
  columns: [nameCol(), col('Type', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'Data contains the secret data.'), ageCol()],
  row: (o, ctx) => ({ cells: [name(o), str(o['type']), Object.keys(obj(o['data'])).length, age(o, ctx)] }),
};

// eventSource is formatEventSource: "component, host", with the reporting controller/instance as fallbacks.
function eventSource(o: KubeObject): string {
  const src = obj(o['source']);
  const component = str(src['component']) || str(o['reportingComponent']);
  const instance = str(src['host']) || str(o['reportingInstance']);
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventRow(o: KubeObject, ctx: PrintContext): PrintedRow {
  const first = o['firstTimestamp'] ? since(o['firstTimestamp'], ctx.now) : since(o['eventTime'], ctx.now);
  let last = o['lastTimestamp'] ? since(o['lastTimestamp'], ctx.now) : first;
  let count = num(o['count']);
  const series = o['series'] === undefined || o['series'] === null ? undefined : obj(o['series']);
  if (series) { last = since(series['lastObservedTime'], ctx.now); count = num(series['count']); }
  else if (count === 0) count = 1;
  const involved = obj(o['involvedObject']);
  const kind = str(involved['kind']).toLowerCase();
  const target = str(involved['name']) !== '' ? `${kind}/${str(involved['name'])}` : kind;
  const message = str(o['message']).trim();
  if (!ctx.wide) return { cells: [last, str(o['type']), str(o['reason']), target, message] };
  return { cells: [last, str(o['type']), str(o['reason']), target, str(involved['fieldPath']), eventSource(o), message, first, count, name(o)] };
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { wide: true }),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', { wide: true }),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { wide: true }),
    col('Count', 'The number of times this event has occurred.', { wide: true }),
    col('Name', NAME_DOC, { wide: true, format: 'name' }),
  ],
  row: eventRow,
};
