// networking holds the printers of networking.k8s.io Ingress and IngressClass and coordination.k8s.io
// Lease (printIngress, printIngressClass, printLease).
import type { KubeObject } from '../types.ts';
import { since } from './duration.ts';
import { ageCol, arr, at, col, loadBalancerStatus, nameCol, obj, str, type PrintContext, type Printer } from './table.ts';

const age = (o: KubeObject, ctx: PrintContext): string => since(o.metadata?.creationTimestamp, ctx.now);
const name = (o: KubeObject): string => o.metadata?.name ?? '';

// formatHosts lists the first three hosts the rules name, "*" when none does.
function formatHosts(rules: ReturnType<typeof arr>): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    if (!more && str(r['host']) !== '') list.push(str(r['host']));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameCol(),
    col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    ageCol(),
  ],
  row: (o, ctx) => {
    const spec = obj(o['spec']);
    const className = typeof spec['ingressClassName'] === 'string' ? spec['ingressClassName'] : '<none>';
    const ports = arr(spec['tls']).length > 0 ? '80, 443' : '80';
    return { cells: [name(o), className, formatHosts(arr(spec['rules'])), loadBalancerStatus(at(o, 'status', 'loadBalancer'), ctx.wide), ports, age(o, ctx)] };
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameCol(), col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters'), ageCol(),
  ],
  row: (o, ctx) => {
    const spec = obj(o['spec']);
    let parameters = '<none>';
    if (spec['parameters'] !== undefined && spec['parameters'] !== null) {
      const p = obj(spec['parameters']);
      const group = typeof p['apiGroup'] === 'string' ? `.${p['apiGroup']}` : '';
      parameters = `${str(p['kind'])}${group}/${str(p['name'])}`;
    }
    return { cells: [name(o), str(spec['controller']), parameters, age(o, ctx)] };
  },
};

export const leasePrinter: Printer = {
  columns: [nameCol(), col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol()],
  row: (o, ctx) => ({ cells: [name(o), str(at(o, 'spec', 'holderIdentity')), age(o, ctx)] }),
};
