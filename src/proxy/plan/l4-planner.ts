// L4Planner keeps the plan between syncs and plans again only the Services that changed, so a sync costs
// what changed, not the whole state. Its plan always equals planL4 of the trackers' state (a property test
// checks it): ports are planned by the same planPort, and conflicts are settled by the same rule — the
// smallest ServicePortName owns a listener key, the Service visited first owns a healthCheckNodePort —
// over every contender, so when an owner goes away the next one takes the key.
import type { EndpointInfo } from '../model/endpoint.ts';
import { serviceKey } from '../model/service-port-name.ts';
import type { ServiceKey, ServicePortName, ServiceRef } from '../model/service-port-name.ts';
import type { ServicePortInfo } from '../model/service-port.ts';
import { Claims } from './claims.ts';
import { healthCheckConflict, listenerConflict, planPort } from './plan-port.ts';
import type { PortPlan } from './plan-port.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan, PlanNode, PlanProblem } from './types.ts';

// PlanInputs is what the planner reads of one Service: the trackers implement it.
export interface PlanInputs {
  portsOf(key: ServiceKey): readonly ServicePortInfo[] | undefined;
  endpointsOf(key: ServiceKey): ReadonlyMap<ServicePortName, readonly EndpointInfo[]> | undefined;
}

// PlanChanges says what one update touched; a backend needs to look at nothing else.
export interface PlanChanges {
  // listeners whose plan object changed, appeared or went away.
  readonly listeners: ReadonlySet<ListenerKey>;
  readonly healthChecks: ReadonlySet<number>;
  // services whose problems were computed again (they may be the same).
  readonly services: ReadonlySet<ServiceKey>;
}

interface HealthClaim {
  readonly first: ServicePortName;   // rank: the Service's first port asking for the health check
  readonly service: ServiceRef;
  readonly localEndpoints: number;
}

interface ServiceState {
  readonly ports: readonly PortPlan[];   // in ServicePortName order, one per name
  readonly health: ReadonlyMap<number, HealthClaim>;
  problems: readonly PlanProblem[];
}

export class L4Planner {
  // plan is the current plan, live: its maps change on every update (a backend applies it before the next).
  readonly plan: L4Plan;
  readonly #node: PlanNode;
  readonly #services = new Map<ServiceKey, ServiceState>();
  readonly #claims = new Claims<ListenerKey, ListenerPlan>((lp) => lp.portName);
  readonly #healthClaims = new Claims<number, HealthClaim>((h) => h.first);
  readonly #listeners = new Map<ListenerKey, ListenerPlan>();
  readonly #health = new Map<number, HealthCheckPlan>();
  #problems: readonly PlanProblem[] | undefined;

  constructor(node: PlanNode) {
    this.#node = node;
    const problems = (): readonly PlanProblem[] => this.#allProblems();
    this.plan = { listeners: this.#listeners, healthChecks: this.#health, get problems() { return problems(); } };
  }

  // update plans the dirty Services again from inputs and settles the keys they wanted or held.
  update(dirty: Iterable<ServiceKey>, inputs: PlanInputs): PlanChanges {
    const keys = new Set<ListenerKey>();
    const ports = new Set<number>();
    const services = new Set<ServiceKey>();
    for (const key of dirty) {
      services.add(key);
      this.#forget(key, keys, ports);
      this.#learn(key, inputs, keys, ports);
    }
    const listeners = new Set<ListenerKey>();
    for (const k of keys) if (this.#settleListener(k, services)) listeners.add(k);
    const healthChecks = new Set<number>();
    for (const p of ports) if (this.#settleHealth(p, services)) healthChecks.add(p);
    for (const s of services) this.#computeProblems(s);
    if (services.size > 0) this.#problems = undefined;
    return { listeners, healthChecks, services };
  }

  // problemsOf returns the problems of one Service.
  problemsOf(key: ServiceKey): readonly PlanProblem[] { return this.#services.get(key)?.problems ?? []; }

  #forget(key: ServiceKey, keys: Set<ListenerKey>, ports: Set<number>): void {
    const st = this.#services.get(key);
    if (!st) return;
    this.#services.delete(key);
    for (const pp of st.ports) {
      for (const lp of pp.listeners) { this.#claims.remove(lp.key, lp.portName); keys.add(lp.key); }
    }
    for (const [port, h] of st.health) { this.#healthClaims.remove(port, h.first); ports.add(port); }
  }

  #learn(key: ServiceKey, inputs: PlanInputs, keys: Set<ListenerKey>, ports: Set<number>): void {
    const sps = byName(inputs.portsOf(key) ?? []);
    if (sps.length === 0) return;
    const eps = inputs.endpointsOf(key);
    const pps = sps.map((sp) => planPort(sp, eps?.get(sp.name) ?? [], this.#node));
    const health = new Map<number, HealthClaim>();
    for (const pp of pps) {
      for (const lp of pp.listeners) { this.#claims.add(lp.key, lp); keys.add(lp.key); }
      const port = pp.sp.healthCheckNodePort;
      if (pp.localEndpoints === undefined || port === undefined) continue;
      const prev = health.get(port);
      // localEndpoints is the max over the Service's ports, as planL4 counts it.
      health.set(port, prev
        ? { ...prev, localEndpoints: Math.max(prev.localEndpoints, pp.localEndpoints) }
        : { first: pp.sp.name, service: pp.sp.service, localEndpoints: pp.localEndpoints });
    }
    for (const [port, h] of health) { this.#healthClaims.add(port, h); ports.add(port); }
    this.#services.set(key, { ports: pps, health, problems: [] });
  }

  // #settleListener gives key to its owner; when the owner changed, every contender's problems (which name
  // the owner) are computed again. It returns whether the listener's plan changed.
  #settleListener(key: ListenerKey, services: Set<ServiceKey>): boolean {
    const owner = this.#claims.owner(key);
    const cur = this.#listeners.get(key);
    if (owner === cur) return false;
    if (owner) this.#listeners.set(key, owner); else this.#listeners.delete(key);
    if (owner?.portName !== cur?.portName) for (const c of this.#claims.contenders(key)) services.add(serviceKey(c.service));
    return true;
  }

  #settleHealth(port: number, services: Set<ServiceKey>): boolean {
    const owner = this.#healthClaims.owner(port);
    const cur = this.#health.get(port);
    if (!owner) return cur ? this.#health.delete(port) : false;
    const sameService = cur !== undefined && cur.service.namespace === owner.service.namespace && cur.service.name === owner.service.name;
    if (sameService && cur.localEndpoints === owner.localEndpoints) return false;
    this.#health.set(port, { port, service: owner.service, addresses: this.#node.addresses, localEndpoints: owner.localEndpoints });
    if (!sameService) for (const c of this.#healthClaims.contenders(port)) services.add(serviceKey(c.service));
    return true;
  }

  // #computeProblems lists a Service's problems in planL4's order: per port, its own, then its conflicts.
  #computeProblems(key: ServiceKey): void {
    const st = this.#services.get(key);
    if (!st) return;
    const out: PlanProblem[] = [];
    for (const pp of st.ports) {
      out.push(...pp.problems);
      for (const lp of pp.listeners) {
        const owner = this.#listeners.get(lp.key);
        if (owner && owner.portName !== lp.portName) out.push(listenerConflict(lp, owner.portName));
      }
      const port = pp.sp.healthCheckNodePort;
      if (pp.localEndpoints === undefined || port === undefined) continue;
      const h = this.#health.get(port);
      if (h && (h.service.namespace !== pp.sp.service.namespace || h.service.name !== pp.sp.service.name)) {
        out.push(healthCheckConflict(pp.sp.service, port, h.service));
      }
    }
    st.problems = out;
  }

  // #allProblems flattens the problems in planL4's order (by each Service's first port); only status pages
  // and tests read it, so it is built on demand.
  #allProblems(): readonly PlanProblem[] {
    if (this.#problems) return this.#problems;
    const withProblems = [...this.#services.values()].filter((s) => s.problems.length > 0);
    withProblems.sort((a, b) => cmp(a.ports[0]?.sp.name ?? '', b.ports[0]?.sp.name ?? ''));
    this.#problems = withProblems.flatMap((s) => s.problems);
    return this.#problems;
  }
}

// byName returns the ports sorted by ServicePortName, one per name (the last wins, as in the trackers'
// snapshot, which planL4 reads).
function byName(ports: readonly ServicePortInfo[]): readonly ServicePortInfo[] {
  if (ports.length <= 1) return ports;
  const m = new Map<ServicePortName, ServicePortInfo>();
  for (const p of ports) m.set(p.name, p);
  return [...m.values()].sort((a, b) => cmp(a.name, b.name));
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
