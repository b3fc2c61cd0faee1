// NftablesBackend is the L4Backend that carries Service traffic in the kernel: apply() renders the plan
// into the `ip <table>` ruleset (ruleset.ts) and applies the difference from the last applied ruleset as
// one `nft -f -` transaction (transaction.ts); the first apply (and the one after a failure) recreates the
// table, in transactions of RECREATE_CHUNK listeners. No packet passes through this process. UDP flows whose
// endpoint left are cleared from conntrack; healthCheckNodePorts are served by the userspace
// HealthCheckServer.
import type { EventRecorder, L4Backend, ProxyLogger } from '../../backend.ts';
import { nopLogger } from '../../backend.ts';
import type { ServicePortName } from '../../model/service-port-name.ts';
import type { HealthCheckPlan, L4Plan, ListenerKey, ListenerPlan } from '../../plan/types.ts';
import { HealthCheckServers } from '../userspace/health-check-server.ts';
import { ExecConntrack } from './conntrack.ts';
import type { Conntrack, UdpFlowFilter } from './conntrack.ts';
import { ExecNftRunner } from './nft-runner.ts';
import type { NftRunner } from './nft-runner.ts';
import { emptyModel, mergeModel, renderRuleset } from './ruleset.ts';
import type { NftModel } from './ruleset.ts';
import { renderTransaction } from './transaction.ts';

export interface NftablesBackendOptions {
  // table is the name of the `ip` table the backend owns (default "portico"); it deletes it in cleanup().
  table?: string;
  runner?: NftRunner;
  conntrack?: Conntrack;
  events?: EventRecorder;
  logger?: ProxyLogger;
}

// UdpTarget is what conntrack entries of one UDP listener are matched by.
interface UdpTarget { readonly ip: string; readonly port: number; readonly endpointIPs: ReadonlySet<string> }

// RECREATE_CHUNK bounds the listeners per transaction when the whole table is written. The kernel's cost
// of one transaction grows faster than its size (measured: 1,000 Services 0.3 s of system time, 4,000 7 s,
// 10,000 40 s in one transaction), so a first sync of 10,000 Services is cut into transactions of this
// many listeners. Between them, Services not yet written are not DNATed: only at start or after a failure.
const RECREATE_CHUNK = 500;

// chunksByServicePort cuts listeners into groups of about size, never splitting a Service port (whose
// chains all its listeners share); it yields at least one group, so an empty plan still makes the table.
function* chunksByServicePort(listeners: Iterable<ListenerPlan>, size: number): Generator<ListenerPlan[]> {
  const byPort = new Map<ServicePortName, ListenerPlan[]>();
  for (const l of listeners) {
    const g = byPort.get(l.portName);
    if (g) g.push(l); else byPort.set(l.portName, [l]);
  }
  let chunk: ListenerPlan[] = [];
  for (const g of byPort.values()) {
    if (chunk.length > 0 && chunk.length + g.length > size) { yield chunk; chunk = []; }
    chunk.push(...g);
  }
  yield chunk;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class NftablesBackend implements L4Backend {
  readonly table: string;
  readonly #runner: NftRunner;
  readonly #conntrack: Conntrack;
  readonly #events: EventRecorder | undefined;
  readonly #log: ProxyLogger;
  // #applied is the ruleset in the kernel; undefined until the first apply and after a failed one, when
  // the next apply recreates the whole table.
  #applied: NftModel | undefined;
  #udp = new Map<ListenerKey, UdpTarget>();
  // #udpKnown: #udp holds a previous plan. The first apply clears nothing: flows that a previous run of
  // this proxy set up keep their NAT bindings, which are still right.
  #udpKnown = false;
  readonly #health = new HealthCheckServers();
  // #told holds the Service ports already told that the PROXY protocol annotation does not apply here.
  readonly #told = new Set<ServicePortName>();
  #conntrackMissing = false;
  #inFlight: Promise<void> = Promise.resolve();
  #skippedV6 = 0;

  constructor(opts: NftablesBackendOptions = {}) {
    this.table = opts.table ?? 'portico';
    if (!TABLE_NAME.test(this.table)) throw new TypeError(`NftablesBackend: invalid table name "${this.table}"`);
    this.#runner = opts.runner ?? new ExecNftRunner();
    this.#conntrack = opts.conntrack ?? new ExecConntrack();
    this.#events = opts.events;
    this.#log = opts.logger ?? nopLogger;
  }

  // apply renders the whole plan (the change sets are not used: the diff against the applied ruleset
  // finds what changed) and applies the difference in one transaction.
  apply(plan: L4Plan, signal: AbortSignal): Promise<void> {
    const p = this.#apply(plan, signal);
    this.#inFlight = p.catch(() => {});
    return p;
  }

  // idle resolves once the apply in progress (transaction, conntrack, health checks) has finished (tests).
  idle(): Promise<void> { return this.#inFlight; }

  async #apply(plan: L4Plan, signal: AbortSignal): Promise<void> {
    this.#reportSkipped(plan);
    this.#tellProxyProtocol(plan);
    if (this.#applied) await this.#update(plan, signal);
    else await this.#recreate(plan, signal);
    const udp = udpTargets(plan);
    const stale = this.#udpKnown ? staleFlows(this.#udp, udp) : [];
    this.#udp = udp;
    this.#udpKnown = true;
    await Promise.all([this.#clearFlows(stale), this.#applyHealth(plan.healthChecks)]);
  }

  // #update applies the difference from the applied ruleset in one transaction (nothing when none).
  async #update(plan: L4Plan, signal: AbortSignal): Promise<void> {
    const model = renderRuleset(plan.listeners.values());
    const script = renderTransaction(this.table, this.#applied, model);
    if (script === '' || signal.aborted) return;
    this.#applied = undefined;
    await this.#runner.run(script);
    this.#applied = model;
    this.#log.info({ event: 'nftApplied', table: this.table, bytes: script.length });
  }

  // #recreate deletes and recreates the table, with the Service ports in transactions of at most
  // RECREATE_CHUNK listeners: the first also recreates the table, the others only add.
  async #recreate(plan: L4Plan, signal: AbortSignal): Promise<void> {
    const applied = emptyModel();
    let first = true;
    for (const chunk of chunksByServicePort(plan.listeners.values(), RECREATE_CHUNK)) {
      if (signal.aborted) return;
      const model = renderRuleset(chunk);
      await this.#runner.run(renderTransaction(this.table, first ? undefined : emptyModel(), model));
      first = false;
      mergeModel(applied, model);
    }
    this.#applied = applied;
    this.#log.info({ event: 'nftRecreated', table: this.table, listeners: plan.listeners.size });
  }

  // cleanup deletes the table (whatever apply got to) and closes the health check servers.
  async cleanup(): Promise<void> {
    this.#applied = undefined;
    this.#udp.clear();
    this.#udpKnown = false;
    await Promise.all(this.#health.closeAll());
    await this.#runner.run(`add table ip ${this.table}\ndelete table ip ${this.table}\n`);
  }

  // appliedRuleset returns the model in the kernel (tests).
  appliedRuleset(): NftModel | undefined { return this.#applied; }

  async #clearFlows(filters: UdpFlowFilter[]): Promise<void> {
    for (const f of filters) {
      try {
        await this.#conntrack.deleteUdp(f);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'CONNTRACK_MISSING') {
          if (!this.#conntrackMissing) this.#log.warn({ event: 'conntrackMissing' }, 'conntrack not found: stale UDP flows stay until they idle out');
          this.#conntrackMissing = true;
          return;
        }
        this.#log.warn({ event: 'conntrackFailed', err: String(err), filter: f });
      }
    }
  }

  #reportSkipped(plan: L4Plan): void {
    let n = 0;
    for (const l of plan.listeners.values()) if (l.ip.includes(':')) n++;
    if (n !== this.#skippedV6) this.#log.warn({ event: 'ipv6ListenersSkipped', count: n }, 'the nftables backend serves IPv4 only');
    this.#skippedV6 = n;
  }

  // #tellProxyProtocol records once per Service port that the annotation is ignored: the kernel's DNAT
  // already shows the pod the client's own address.
  #tellProxyProtocol(plan: L4Plan): void {
    const seen = new Set<ServicePortName>();
    for (const l of plan.listeners.values()) {
      if (!l.proxyProtocol || l.protocol !== 'TCP') continue;
      seen.add(l.portName);
      if (this.#told.has(l.portName)) continue;
      this.#told.add(l.portName);
      this.#events?.recordEvent(l.service, 'Normal', 'ProxyProtocolIgnored',
        `nftables proxy mode: port ${l.servicePort.name || l.servicePort.port} gets no PROXY protocol header; pods see the client's address directly`);
    }
    for (const pn of this.#told) if (!seen.has(pn)) this.#told.delete(pn);
  }

  async #applyHealth(plans: ReadonlyMap<number, HealthCheckPlan>): Promise<void> {
    await Promise.all(this.#health.closeStale(plans));
    const opens = this.#health.openOrUpdate(plans, (hp, err) => {
      this.#log.warn({ event: 'listenFailed', listener: `health/${hp.port}`, code: (err as NodeJS.ErrnoException).code });
    });
    const failed = (await Promise.allSettled(opens)).filter((r) => r.status === 'rejected');
    if (failed.length) throw new AggregateError(failed.map((r) => (r as PromiseRejectedResult).reason), `${failed.length} health check server(s) failed`);
  }

}

// udpTargets returns the UDP listeners of plan with their endpoint addresses.
function udpTargets(plan: L4Plan): Map<ListenerKey, UdpTarget> {
  const out = new Map<ListenerKey, UdpTarget>();
  for (const l of plan.listeners.values()) {
    if (l.protocol === 'UDP' && !l.ip.includes(':')) out.set(l.key, { ip: l.ip, port: l.port, endpointIPs: endpointIPs(l) });
  }
  return out;
}

function endpointIPs(l: ListenerPlan): Set<string> { return new Set(l.endpoints.map((e) => e.ip)); }

// staleFlows is what conntrack must forget (kube-proxy's rules): the flows of an endpoint that left a UDP
// listener, and every flow to a listener that had no endpoints (those entries carry no DNAT and would
// keep bypassing the new rules until they idle out).
export function staleFlows(prev: ReadonlyMap<ListenerKey, UdpTarget>, next: ReadonlyMap<ListenerKey, UdpTarget>): UdpFlowFilter[] {
  const out: UdpFlowFilter[] = [];
  for (const [key, n] of next) {
    const p = prev.get(key);
    if (n.endpointIPs.size > 0 && (!p || p.endpointIPs.size === 0)) { out.push({ origDst: n.ip, origPort: n.port }); continue; }
    if (!p) continue;
    for (const ip of p.endpointIPs) if (!n.endpointIPs.has(ip)) out.push({ origDst: n.ip, origPort: n.port, replySrc: ip });
  }
  for (const [key, p] of prev) {
    if (next.has(key)) continue;
    for (const ip of p.endpointIPs) out.push({ origDst: p.ip, origPort: p.port, replySrc: ip });
  }
  return out;
}
