// The L4 plan: the whole desired state of the data plane, computed purely from the trackers' snapshots.
import type { EndpointInfo } from '../model/endpoint.ts';
import type { ServicePortName, ServiceRef } from '../model/service-port-name.ts';
import type { ProxyProtocolVersion } from '../model/service-port.ts';

// ListenerKey is "PROTOCOL/ip/port", the bind identity of a listener; make it only with listenerKey.
export type ListenerKey = string & { readonly __brand: 'ListenerKey' };

export type ListenerRole = 'clusterIP' | 'externalIP' | 'loadBalancer' | 'nodePort';

// listenerKey returns the key of a listener.
export function listenerKey(protocol: 'TCP' | 'UDP', ip: string, port: number): ListenerKey {
  return `${protocol}/${ip}/${port}` as ListenerKey;
}

export interface ListenerPlan {
  readonly key: ListenerKey;
  readonly service: ServiceRef;
  readonly portName: ServicePortName;
  // servicePort is the Service's own port (name and number), for metrics labels.
  readonly servicePort: { readonly name: string; readonly port: number };
  readonly role: ListenerRole;
  readonly protocol: 'TCP' | 'UDP';
  readonly ip: string;
  readonly port: number;
  // endpoints are the ones traffic may go to, already chosen by policy; when empty, whenEmpty says what to do.
  readonly endpoints: readonly EndpointInfo[];
  // whenEmpty is kube-proxy's choice for a listener without endpoints: 'reject' when the Service port has
  // no usable endpoint at all (iptables REJECT), 'drop' when a Local traffic policy leaves none on this node
  // while other nodes have some (iptables DROP: the client sees a timeout, not a refusal).
  readonly whenEmpty: 'reject' | 'drop';
  readonly affinityTimeoutSeconds: number | undefined;
  readonly proxyProtocol: ProxyProtocolVersion | undefined;
}

// HealthCheckPlan is one healthCheckNodePort server (LoadBalancer Services with externalTrafficPolicy Local).
export interface HealthCheckPlan {
  readonly port: number;
  readonly service: ServiceRef;
  readonly addresses: readonly string[];
  readonly localEndpoints: number;
}

// PlanProblem is something wrong with a Service that the proxy reports as an Event on it.
export interface PlanProblem {
  readonly service: ServiceRef;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface L4Plan {
  readonly listeners: ReadonlyMap<ListenerKey, ListenerPlan>;
  readonly healthChecks: ReadonlyMap<number, HealthCheckPlan>;
  readonly problems: readonly PlanProblem[];
}

// PlanNode is this node as the planner sees it.
export interface PlanNode {
  readonly name: string;
  // addresses are the node's addresses: nodePorts and health checks listen there.
  readonly addresses: readonly string[];
  // localAddresses are other addresses of this host (status.loadBalancer.ingress IPs listen only if local);
  // loopback (127.0.0.0/8, ::1) and the node's addresses are always local.
  readonly localAddresses?: readonly string[];
}
