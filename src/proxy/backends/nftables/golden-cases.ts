// The plans of the golden tests (render.test.ts), also applied in the kernel by kernel.test.ts to check that
// nft accepts every script, first and incremental. Addresses outside 127/8 are never sent traffic.
import type { EndpointInfo } from '../../model/endpoint.ts';
import { servicePortName } from '../../model/service-port-name.ts';
import { listenerKey } from '../../plan/types.ts';
import type { L4Plan, ListenerPlan, ListenerRole } from '../../plan/types.ts';

export const ep = (ip: string, port = 8080): EndpointInfo => ({ ip, port, ready: true, serving: true, terminating: false, nodeName: 'node-a', isLocal: true });

export interface L { svc?: string; port?: string; svcPort?: number; role?: ListenerRole; protocol?: 'TCP' | 'UDP'; ip: string; at: number; eps: EndpointInfo[]; whenEmpty?: 'reject' | 'drop'; affinity?: number; proxyProtocol?: 'v1' }

export function listener(l: L): ListenerPlan {
  const protocol = l.protocol ?? 'TCP', svc = l.svc ?? 'web', port = l.port ?? 'http';
  return {
    key: listenerKey(protocol, l.ip, l.at), service: { namespace: 'default', name: svc },
    portName: servicePortName('default', svc, port, protocol), servicePort: { name: port, port: l.svcPort ?? l.at },
    role: l.role ?? 'clusterIP', protocol, ip: l.ip, port: l.at, endpoints: l.eps, whenEmpty: l.whenEmpty ?? 'reject',
    affinityTimeoutSeconds: l.affinity, proxyProtocol: l.proxyProtocol,
  };
}

export function plan(ls: L[]): L4Plan {
  return { listeners: new Map(ls.map((x) => { const p = listener(x); return [p.key, p]; })), healthChecks: new Map(), problems: [] };
}

export const two = [ep('10.244.0.1'), ep('10.244.0.2')];
export const cases: { desc: string; name: string; in: L[] }[] = [
  { desc: 'cluster IP with two endpoints', name: 'cluster-ip', in: [{ ip: '10.96.0.10', at: 80, eps: two }] },
  { desc: 'multi-port Service: one chain per port', name: 'multi-port', in: [
    { ip: '10.96.0.11', at: 80, eps: two },
    { port: 'https', ip: '10.96.0.11', at: 443, eps: [ep('10.244.0.1', 8443), ep('10.244.0.2', 8443)] },
  ] },
  { desc: 'ClientIP affinity: per-endpoint sets, lookups before the round robin', name: 'affinity', in: [{ ip: '10.96.0.12', at: 80, eps: two, affinity: 10800 }] },
  { desc: 'NodePort: service-nodeports on the node addresses, its own external chain', name: 'node-port', in: [
    { ip: '10.96.0.13', at: 80, eps: two },
    { role: 'nodePort', ip: '192.168.1.10', at: 30080, svcPort: 80, eps: [ep('10.244.0.2')] },
    { role: 'nodePort', ip: '192.168.1.11', at: 30080, svcPort: 80, eps: [ep('10.244.0.2')] },
  ] },
  { desc: 'no endpoints: reject (cluster IP), drop (NodePort, Local policy)', name: 'no-endpoints', in: [
    { ip: '10.96.0.14', at: 80, eps: [] },
    { role: 'nodePort', ip: '192.168.1.10', at: 30081, svcPort: 80, eps: [], whenEmpty: 'drop' },
  ] },
  { desc: 'UDP (DNS)', name: 'udp', in: [
    { svc: 'kube-dns', port: 'dns', protocol: 'UDP', ip: '10.96.0.10', at: 53, eps: [ep('10.244.0.5', 53)] },
    { svc: 'kube-dns', port: 'dns-tcp', ip: '10.96.0.10', at: 53, eps: [ep('10.244.0.5', 53)] },
  ] },
];

