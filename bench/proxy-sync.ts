// bench/proxy-sync.ts — the cost of one service-proxy sync after one change, with COUNT Services (one TCP
// port each, clusterIP in 127.96.0.0/12, ENDPOINTS_PER endpoints each), planned in this process with no
// socket bound: the backend is a fake that does what UserspaceBackend.apply does to its listener map.
//   before  tracker snapshot + planL4 of the whole state + a whole-state diff (isDeepStrictEqual per listener)
//   after   takeDirty + L4Planner.update of the dirty Service + an apply of the changed keys only
//   resync  the periodic whole-state apply under the new code (identity settles every unchanged listener)
// Prints the median and max over RUNS changes of each kind (a Service spec change, an endpoint change).
// Usage: [COUNT=10000] [ENDPOINTS_PER=10] [RUNS=30] node_modules/.bin/node bench/proxy-sync.ts
import { isDeepStrictEqual } from 'node:util';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { L4Planner } from '../src/proxy/plan/l4-planner.ts';
import { planL4 } from '../src/proxy/plan/plan-l4.ts';
import type { L4Plan, ListenerKey, ListenerPlan, PlanNode } from '../src/proxy/plan/types.ts';
import { EndpointsChangeTracker } from '../src/proxy/tracker/endpoints-change-tracker.ts';
import { ServiceChangeTracker } from '../src/proxy/tracker/service-change-tracker.ts';

const env = (name: string, def: number): number => Number(process.env[name] ?? def);
const COUNT = env('COUNT', 10_000);
const PER = env('ENDPOINTS_PER', 10);
const RUNS = env('RUNS', 30);
const node: PlanNode = { name: 'bench', addresses: ['127.0.0.1'] };

const ip = (i: number): string => `127.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const service = (i: number, port = 80): V1Service => ({
  metadata: { namespace: 'default', name: `svc-${String(i).padStart(6, '0')}` },
  spec: { type: 'ClusterIP', clusterIP: ip(i + 1), ports: [{ port, protocol: 'TCP' }] },
});
const slice = (i: number, gen = 0): V1EndpointSlice => ({
  addressType: 'IPv4',
  metadata: { namespace: 'default', name: `svc-${String(i).padStart(6, '0')}-1`, labels: { 'kubernetes.io/service-name': `svc-${String(i).padStart(6, '0')}` } },
  endpoints: Array.from({ length: PER }, (_, j) => ({ addresses: [`10.${(i >> 8) & 255}.${i & 255}.${(j + gen) & 255}`], nodeName: 'bench' })),
  ports: [{ port: 8080, protocol: 'TCP' }],
});

// FakeBackend does to a map of fake listeners what UserspaceBackend.apply does to its sockets; `deep`
// selects the old Listener.update (isDeepStrictEqual first) or the new one (identity first).
class FakeBackend {
  readonly listeners = new Map<ListenerKey, { plan: ListenerPlan }>();
  readonly deep: boolean;
  calls = 0;
  constructor(deep: boolean) { this.deep = deep; }
  apply(plan: L4Plan, changed?: ReadonlySet<ListenerKey>): void {
    if (changed) { for (const k of changed) this.#key(k, plan.listeners.get(k)); return; }
    for (const [k, l] of this.listeners) { const next = plan.listeners.get(k); if (!next || next.portName !== l.plan.portName) this.listeners.delete(k); }
    for (const lp of plan.listeners.values()) this.#key(lp.key, lp);
  }
  #key(k: ListenerKey, next: ListenerPlan | undefined): void {
    const l = this.listeners.get(k);
    if (l && (!next || next.portName !== l.plan.portName)) this.listeners.delete(k);
    if (!next) return;
    const cur = this.listeners.get(k);
    if (!cur) { this.listeners.set(k, { plan: next }); this.calls++; return; }
    if (!this.deep && cur.plan === next) return;
    if (isDeepStrictEqual(cur.plan, next)) { if (!this.deep) cur.plan = next; return; }
    cur.plan = next;
    this.calls++;
  }
}

const st = new ServiceChangeTracker();
const et = new EndpointsChangeTracker({ nodeName: node.name });
const services: V1Service[] = [];
const slices: V1EndpointSlice[] = [];
for (let i = 0; i < COUNT; i++) {
  services.push(service(i)); slices.push(slice(i));
  st.update(undefined, services[i]); et.update(undefined, slices[i]);
}
const planner = new L4Planner(node);
const inputs = { portsOf: st.portsOf.bind(st), endpointsOf: et.endpointsOf.bind(et) };
const oldBackend = new FakeBackend(true);
const newBackend = new FakeBackend(false);
oldBackend.apply(planL4(st.snapshot(), et.snapshot(), node));
planner.update(new Set([...st.takeDirty(), ...et.takeDirty()]), inputs);
newBackend.apply(planner.plan);

// change applies the r-th change (a port change or an endpoint change, alternating) to the trackers.
function change(r: number): void {
  const i = (r * 7919) % COUNT;
  if (r % 2 === 0) { const next = service(i, 80 + (r % 3) + 1); st.update(services[i], next); services[i] = next; }
  else { const next = slice(i, r); et.update(slices[i], next); slices[i] = next; }
}

const time = (fn: () => void): number => { const t = performance.now(); fn(); return performance.now() - t; };
const before: number[] = [], after: number[] = [], resync: number[] = [];
for (let r = 0; r < RUNS; r++) {
  change(r);
  // before: the old sync; it does not take the dirty sets, so clear them before the new sync's turn.
  before.push(time(() => oldBackend.apply(planL4(st.snapshot(), et.snapshot(), node))));
  after.push(time(() => {
    const dirty = st.takeDirty();
    for (const k of et.takeDirty()) dirty.add(k);
    const changes = planner.update(dirty, inputs);
    newBackend.apply(planner.plan, changes.listeners);
  }));
  resync.push(time(() => newBackend.apply(planner.plan)));
}

const fmt = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${(s[Math.floor(s.length / 2)] ?? 0).toFixed(3)} ms, max ${(s.at(-1) ?? 0).toFixed(3)} ms`;
};
console.log(`${COUNT} Services x 1 TCP port, ${PER} endpoints each; ${RUNS} single changes (port / endpoints alternating)`);
console.log(`before  (snapshot + planL4 + whole-state diff):   ${fmt(before)}`);
console.log(`after   (incremental plan + changed keys apply): ${fmt(after)}`);
console.log(`resync  (whole-state apply, identity checks):    ${fmt(resync)}`);
if (oldBackend.listeners.size !== newBackend.listeners.size) throw new Error('old and new backends disagree');
for (const [k, l] of newBackend.listeners) if (!isDeepStrictEqual(l.plan, oldBackend.listeners.get(k)?.plan)) throw new Error(`plans disagree on ${k}`);
