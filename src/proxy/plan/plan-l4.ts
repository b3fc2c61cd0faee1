// planL4 is the pure, whole-state form of the proxy's planning: Services and endpoints in, the whole set of
// listeners out. The proxy plans incrementally (L4Planner); both settle conflicts by the same rule, and a
// property test keeps them equal.
import type { EndpointInfo } from '../model/endpoint.ts';
import type { ServicePortName } from '../model/service-port-name.ts';
import type { ServicePortInfo } from '../model/service-port.ts';
import { healthCheckConflict, listenerConflict, planPort } from './plan-port.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan, PlanNode, PlanProblem } from './types.ts';

export { isLocalAddress, selectEndpoints } from './plan-port.ts';

// planL4 returns the listeners for every Service port, each with the endpoints its traffic policy allows,
// plus health checks and problems. Ports are visited in ServicePortName order, so on a conflict the first
// name keeps the address (and the first Service the healthCheckNodePort).
export function planL4(
  services: ReadonlyMap<ServicePortName, ServicePortInfo>,
  endpoints: ReadonlyMap<ServicePortName, readonly EndpointInfo[]>,
  node: PlanNode,
): L4Plan {
  const listeners = new Map<ListenerKey, ListenerPlan>();
  const healthChecks = new Map<number, HealthCheckPlan>();
  const problems: PlanProblem[] = [];
  for (const name of [...services.keys()].sort()) {
    const sp = services.get(name);
    if (!sp) continue;
    const pp = planPort(sp, endpoints.get(name) ?? [], node);
    problems.push(...pp.problems);
    for (const lp of pp.listeners) {
      const owner = listeners.get(lp.key);
      if (!owner) listeners.set(lp.key, lp);
      else if (owner.portName !== lp.portName) problems.push(listenerConflict(lp, owner.portName));
    }
    if (pp.localEndpoints === undefined) continue;
    const port = sp.healthCheckNodePort ?? 0;
    const prev = healthChecks.get(port);
    if (prev && (prev.service.namespace !== sp.service.namespace || prev.service.name !== sp.service.name)) {
      problems.push(healthCheckConflict(sp.service, port, prev.service));
      continue;
    }
    const count = prev ? Math.max(prev.localEndpoints, pp.localEndpoints) : pp.localEndpoints;
    healthChecks.set(port, { port, service: sp.service, addresses: node.addresses, localEndpoints: count });
  }
  return { listeners, healthChecks, problems };
}
