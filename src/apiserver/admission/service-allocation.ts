// ServiceAllocation is the Service admission step that allocates ClusterIPs, NodePorts and the
// healthCheckNodePort synchronously, as kube-apiserver's service REST does (pkg/registry/core/service/
// storage/alloc.go): explicit values are honoured or refused with a 422 naming the field, missing ones
// are picked from the ranges, and type transitions allocate or release.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { field, invalid, type FieldError } from '../../lib/errors.ts';
import type { IPAllocatorLike, PortAllocatorLike } from '../registry/deps.ts';
import { TxnBuilder, type AllocationTxn } from './allocation-txn.ts';
import { needsClusterIP, needsHCNodePort, needsNodePorts, nodePortsOf } from './service-needs.ts';

const SERVICE_GK = { group: '', kind: 'Service' };

export interface ServiceAllocationOptions { ips: IPAllocatorLike; ports: PortAllocatorLike }

export class ServiceAllocation {
  readonly ips: IPAllocatorLike;
  readonly ports: PortAllocatorLike;

  constructor(opts: ServiceAllocationOptions) {
    this.ips = opts.ips;
    this.ports = opts.ports;
  }

  // allocateCreate fills spec.clusterIP(s), ipFamilies and nodePorts of a new Service in place.
  allocateCreate(obj: KubeObject): AllocationTxn {
    const svc = obj as V1Service;
    const b = new TxnBuilder();
    try {
      if (needsClusterIP(svc)) this.allocClusterIP(svc, b);
      setFamilies(svc);
      if (needsNodePorts(svc)) this.allocNodePorts(svc, new Set(), b);
      if (needsHCNodePort(svc)) this.allocHealthCheck(svc, undefined, b);
    } catch (e) {
      b.revertNow();
      throw e;
    }
    return b.build();
  }

  // allocateUpdate allocates what `obj` needs and `old` did not have; releases of what `old` had and
  // `obj` no longer uses happen on commit.
  allocateUpdate(obj: KubeObject, oldObj: KubeObject): AllocationTxn {
    const svc = obj as V1Service;
    const old = oldObj as V1Service;
    const b = new TxnBuilder();
    try {
      this.updateClusterIP(svc, old, b);
      setFamilies(svc);
      const oldPorts = needsNodePorts(old) ? nodePortsOf(old) : new Set<number>();
      if (needsNodePorts(svc)) this.allocNodePorts(svc, oldPorts, b);
      const keep = needsNodePorts(svc) ? nodePortsOf(svc) : new Set<number>();
      for (const p of oldPorts) if (!keep.has(p)) b.releaseOnCommit(() => this.ports.release(p));
      this.updateHealthCheck(svc, old, b);
    } catch (e) {
      b.revertNow();
      throw e;
    }
    return b.build();
  }

  // releaseDeleted gives back everything a deleted Service held.
  releaseDeleted(obj: KubeObject): void {
    const svc = obj as V1Service;
    if (needsClusterIP(svc)) for (const ip of clusterIPsOf(svc)) if (this.ips.has(ip)) this.ips.release(ip);
    if (needsNodePorts(svc)) for (const p of nodePortsOf(svc)) this.ports.release(p);
    const hc = svc.spec?.healthCheckNodePort;
    if (hc && needsHCNodePort(svc)) this.ports.release(hc);
  }

  // repair marks as allocated everything a stored Service holds (at start, like the repair controllers);
  // values outside the ranges or held twice are skipped.
  repair(obj: KubeObject): void {
    const svc = obj as V1Service;
    const tryDo = (f: () => void): void => { try { f(); } catch { /* out of range or duplicate: skipped */ } };
    if (needsClusterIP(svc)) for (const ip of clusterIPsOf(svc)) if (!this.ips.has(ip)) tryDo(() => this.ips.allocate(ip));
    if (needsNodePorts(svc)) for (const p of nodePortsOf(svc)) if (!this.ports.has(p)) tryDo(() => this.ports.allocate(p));
    const hc = svc.spec?.healthCheckNodePort;
    if (hc && needsHCNodePort(svc) && !this.ports.has(hc)) tryDo(() => this.ports.allocate(hc));
  }

  private allocClusterIP(svc: V1Service, b: TxnBuilder): void {
    const spec = svc.spec ?? (svc.spec = {});
    const requested = spec.clusterIP || spec.clusterIPs?.[0] || '';
    let ip: string;
    if (requested) {
      try {
        this.ips.allocate(requested);
      } catch (e) {
        const ips = spec.clusterIPs?.length ? spec.clusterIPs : [requested];
        throw rejected(svc, field.invalid('spec.clusterIPs', ips, `failed to allocate IP ${requested}: ${messageOf(e)}`));
      }
      ip = requested;
    } else {
      try {
        ip = this.ips.allocateNext();
      } catch (e) {
        throw rejected(svc, field.invalid('spec.clusterIPs', spec.clusterIPs ?? [], `failed to allocate a serviceIP: ${messageOf(e)}`));
      }
    }
    b.allocated(() => this.ips.release(ip));
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }

  private updateClusterIP(svc: V1Service, old: V1Service, b: TxnBuilder): void {
    const had = needsClusterIP(old);
    const needs = needsClusterIP(svc);
    if (needs && !had) this.allocClusterIP(svc, b);
    if (had && !needs) for (const ip of clusterIPsOf(old)) b.releaseOnCommit(() => { if (this.ips.has(ip)) this.ips.release(ip); });
  }

  // allocNodePorts is initNodePorts/updateNodePorts: a port number shared by several ports (TCP and UDP)
  // shares one nodePort; values in `owned` already belong to this Service.
  private allocNodePorts(svc: V1Service, owned: Set<number>, b: TxnBuilder): void {
    const ports = svc.spec?.ports ?? [];
    const byServicePort = new Map<number, number>();
    const taken = new Set<number>();
    ports.forEach((p, i) => {
      const path = `spec.ports[${i}].nodePort`;
      const shared = byServicePort.get(p.port);
      if (shared !== undefined && (!p.nodePort || p.nodePort === shared)) { p.nodePort = shared; return; }
      const requested = p.nodePort || (shared === undefined ? findRequested(p.port, ports) : 0);
      const np = requested ? this.claimPort(svc, requested, owned, taken, path, b) : this.nextPort(svc, path, b);
      p.nodePort = np;
      taken.add(np);
      if (shared === undefined) byServicePort.set(p.port, np);
    });
  }

  private claimPort(svc: V1Service, np: number, owned: Set<number>, taken: Set<number>, path: string, b: TxnBuilder): number {
    if (owned.has(np) || taken.has(np)) return np;
    try {
      this.ports.allocate(np);
    } catch (e) {
      throw rejected(svc, field.invalid(path, np, messageOf(e)));
    }
    b.allocated(() => this.ports.release(np));
    return np;
  }

  private nextPort(svc: V1Service, path: string, b: TxnBuilder): number {
    let np: number;
    try {
      np = this.ports.allocateNext();
    } catch (e) {
      throw rejected(svc, field.invalid(path, 0, `failed to allocate a nodePort: ${messageOf(e)}`));
    }
    b.allocated(() => this.ports.release(np));
    return np;
  }

  private allocHealthCheck(svc: V1Service, old: number | undefined, b: TxnBuilder): void {
    const spec = svc.spec ?? (svc.spec = {});
    const requested = spec.healthCheckNodePort ?? 0;
    if (requested && requested === old) return;
    if (requested) {
      try {
        this.ports.allocate(requested);
      } catch (e) {
        throw rejected(svc, field.invalid('spec.healthCheckNodePort', requested, `failed to allocate requested HealthCheck NodePort ${requested}: ${messageOf(e)}`));
      }
      b.allocated(() => this.ports.release(requested));
      return;
    }
    let np: number;
    try {
      np = this.ports.allocateNext();
    } catch (e) {
      throw rejected(svc, field.invalid('spec.healthCheckNodePort', 0, `failed to allocate a HealthCheck NodePort: ${messageOf(e)}`));
    }
    b.allocated(() => this.ports.release(np));
    spec.healthCheckNodePort = np;
  }

  private updateHealthCheck(svc: V1Service, old: V1Service, b: TxnBuilder): void {
    const oldHC = needsHCNodePort(old) ? old.spec?.healthCheckNodePort : undefined;
    if (needsHCNodePort(svc)) this.allocHealthCheck(svc, oldHC, b);
    const newHC = needsHCNodePort(svc) ? svc.spec?.healthCheckNodePort : undefined;
    if (oldHC && oldHC !== newHC) b.releaseOnCommit(() => this.ports.release(oldHC));
  }
}

function findRequested(port: number, ports: V1ServicePort[]): number {
  return ports.find((p) => p.port === port && p.nodePort)?.nodePort ?? 0;
}

function clusterIPsOf(svc: V1Service): string[] {
  const spec = svc.spec;
  if (!spec) return [];
  if (spec.clusterIPs?.length) return spec.clusterIPs.filter((ip) => ip && ip !== 'None');
  return spec.clusterIP && spec.clusterIP !== 'None' ? [spec.clusterIP] : [];
}

// setFamilies sets ipFamilies/ipFamilyPolicy the way a single-stack IPv4 cluster defaults them (and
// clusterIPs ["None"] for a headless Service).
function setFamilies(svc: V1Service): void {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return;
  if (spec.clusterIP === 'None' && !spec.clusterIPs?.length) spec.clusterIPs = ['None'];
  if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
  if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
}

function rejected(svc: V1Service, err: FieldError): Error {
  return invalid(SERVICE_GK, svc.metadata?.name ?? '', [err]);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
