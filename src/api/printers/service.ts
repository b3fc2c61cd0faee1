// service holds the printers of the service kinds: Service, Endpoints, EndpointSlice (printService,
// printEndpoints, printEndpointSlice).
import type { KubeObject } from '../types.ts';
import { since } from './duration.ts';
import { ageCol, arr, col, formatLabels, listWithMore, loadBalancerStatus, nameCol, num, obj, str, strs, type Obj, type PrintContext, type PrintedRow, type Printer } from './table.ts';

const age = (o: KubeObject, ctx: PrintContext): string => since(o.metadata?.creationTimestamp, ctx.now);
const name = (o: KubeObject): string => o.metadata?.name ?? '';

// externalIP is getServiceExternalIP.
function externalIP(spec: Obj, status: Obj, wide: boolean): string {
  const ext = strs(spec['externalIPs']);
  switch (spec['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length > 0 ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(status['loadBalancer'], wide);
      if (ext.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...ext].join(',');
      return lb === '' ? '<pending>' : lb;
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

// portString is makePortString: "80/TCP", "80:30080/TCP", comma-joined.
function portString(ports: Obj[]): string {
  return ports.map((p) => {
    const proto = str(p['protocol']);
    return num(p['nodePort']) > 0 ? `${num(p['port'])}:${num(p['nodePort'])}/${proto}` : `${num(p['port'])}/${proto}`;
  }).join(',');
}

function serviceRow(o: KubeObject, ctx: PrintContext): PrintedRow {
  const spec = obj(o['spec']);
  const clusterIP = strs(spec['clusterIPs'])[0] ?? (str(spec['clusterIP']) || '<none>');
  const cells: unknown[] = [name(o), str(spec['type']), clusterIP, externalIP(spec, obj(o['status']), ctx.wide),
    portString(arr(spec['ports'])) || '<none>', age(o, ctx)];
  if (ctx.wide) cells.push(formatLabels(spec['selector']));
  return { cells };
}

export const servicePrinter: Printer = {
  columns: [
    nameCol(),
    col('Type', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { wide: true }),
  ],
  row: serviceRow,
};

// hostPort is net.JoinHostPort.
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

// formatEndpoints lists up to three ip:port pairs ("<none>" without subsets).
export function formatEndpoints(subsets: unknown): string {
  const ss = arr(subsets);
  if (ss.length === 0) return '<none>';
  const list: string[] = [];
  for (const s of ss) {
    const addrs = arr(s['addresses']).map((a) => str(a['ip']));
    const ports = arr(s['ports']);
    if (ports.length === 0) list.push(...addrs);
    for (const p of ports) list.push(...addrs.map((ip) => hostPort(ip, num(p['port']))));
  }
  return listWithMore(list, list.length, 3, '');
}

export const endpointsPrinter: Printer = {
  columns: [nameCol(), col('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  row: (o, ctx) => ({ cells: [name(o), formatEndpoints(o['subsets']), age(o, ctx)] }),
};

function slicePorts(ports: Obj[]): string {
  const list = ports.map((p) => (typeof p['port'] === 'number' ? String(p['port']) : typeof p['name'] === 'string' ? p['name'] : '*'));
  return listWithMore(list, list.length, 3, '<unset>');
}

function sliceEndpoints(endpoints: Obj[]): string {
  const list = endpoints.flatMap((e) => strs(e['addresses']));
  return listWithMore(list, list.length, 3, '<unset>');
}

export const endpointSlicePrinter: Printer = {
  columns: [
    nameCol(),
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol(),
  ],
  row: (o, ctx) => ({ cells: [name(o), str(o['addressType']), slicePorts(arr(o['ports'])), sliceEndpoints(arr(o['endpoints'])), age(o, ctx)] }),
};
