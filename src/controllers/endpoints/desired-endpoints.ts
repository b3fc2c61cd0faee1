// desiredEndpoints and convergeEndpoints are the pure half of the Endpoints controller, after
// kube-controller-manager's endpoint controller: selector-matched pods become addresses (ready) or
// notReadyAddresses, per Service port resolved on each pod, repacked into subsets grouped by port set.
import type { CoreV1EndpointPort, V1EndpointAddress, V1EndpointSubset } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  findPort, isHeadless, isPodReady, podIPv4, readyTransitionTime, selectorMatches, shouldPodBeInEndpoints, shouldSetHostname, toDate,
} from '../shared/pod-util.ts';
import { ANNOTATION_OVER_CAPACITY, ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS } from '../shared/types.ts';
import type { Endpoints, Pod, Service } from '../shared/types.ts';

// MAX_ENDPOINTS_CAPACITY: Endpoints beyond this many addresses are truncated (as kube's controller does).
export const MAX_ENDPOINTS_CAPACITY = 1000;

interface Entry { addr: V1EndpointAddress; ready: boolean; ports: CoreV1EndpointPort[] }

// desiredEndpoints returns the subsets a Service's Endpoints should hold for the given pods (pods that do
// not match the selector or are in another namespace are ignored).
export function desiredEndpoints(svc: Service, pods: readonly Pod[]): V1EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (pod.metadata?.namespace !== svc.metadata?.namespace || !selectorMatches(svc.spec?.selector, pod.metadata?.labels)) continue;
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const ready = publishNotReady || isPodReady(pod);
    const addr = podAddress(pod, svc, ip);
    const svcPorts = svc.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      if (isHeadless(svc)) entries.push({ addr, ready, ports: [] });
      continue;
    }
    const ports: CoreV1EndpointPort[] = [];
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const p: CoreV1EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) p.name = sp.name;
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      ports.push(p);
    }
    if (ports.length > 0) entries.push({ addr, ready, ports });
  }
  return repackSubsets(entries);
}

function podAddress(pod: Pod, svc: Service, ip: string): V1EndpointAddress {
  const addr: V1EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc) && pod.spec?.hostname) addr.hostname = pod.spec.hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
  return addr;
}

function portKey(p: CoreV1EndpointPort): string { return `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`; }

// repackSubsets groups addresses with identical port sets into one subset each, sorted deterministically:
// ports by name/port/protocol, addresses by IP then pod UID, subsets by their first port then address.
export function repackSubsets(entries: readonly Entry[]): V1EndpointSubset[] {
  const groups = new Map<string, { ports: CoreV1EndpointPort[]; ready: V1EndpointAddress[]; notReady: V1EndpointAddress[] }>();
  for (const e of entries) {
    const ports = [...e.ports].sort((a, b) => cmp(portKey(a), portKey(b)));
    const key = ports.map(portKey).join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, g = { ports, ready: [], notReady: [] });
    (e.ready ? g.ready : g.notReady).push(e.addr);
  }
  const subsets: V1EndpointSubset[] = [];
  for (const g of groups.values()) {
    const s: V1EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(byAddress);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byAddress);
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  return subsets.sort((a, b) => cmp(subsetKey(a), subsetKey(b)));
}

function subsetKey(s: V1EndpointSubset): string {
  const first = s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return `${(s.ports ?? []).map(portKey).join('\u0001')}\u0002${first ? ipKey(first.ip) : ''}`;
}

function byAddress(a: V1EndpointAddress, b: V1EndpointAddress): number {
  return cmp(ipKey(a.ip), ipKey(b.ip)) || cmp(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

// ipKey makes IPv4 addresses sort numerically as strings.
function ipKey(ip: string): string {
  const parts = ip.split('.');
  return parts.length === 4 ? parts.map((p) => p.padStart(3, '0')).join('.') : ip;
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

// triggerTime is the latest change among the Service's creation and its pods' readiness transitions.
export function triggerTime(svc: Service, pods: readonly Pod[]): Date | undefined {
  let t = toDate(svc.metadata?.creationTimestamp);
  for (const p of pods) {
    const pt = readyTransitionTime(p);
    if (pt && (!t || pt > t)) t = pt;
  }
  return t;
}

// convergeEndpoints returns the Endpoints to write for svc (a copy of current, converged), or undefined
// when current is already right. Labels follow the Service's, plus service.kubernetes.io/headless.
export function convergeEndpoints(current: Endpoints | undefined, svc: Service, subsets: V1EndpointSubset[], trigger: Date | undefined): Endpoints | undefined {
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  const truncated = truncate(subsets);
  if (current && isDeepStrictEqual(stripRV(current.subsets ?? []), stripRV(truncated.subsets)) && isDeepStrictEqual(current.metadata?.labels ?? {}, labels)
    && (current.metadata?.annotations?.[ANNOTATION_OVER_CAPACITY] !== undefined) === truncated.over) return undefined;
  const next: Endpoints = current ? structuredClone(current) : {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata?.name ?? '', namespace: svc.metadata?.namespace ?? '' },
  };
  const meta = next.metadata ?? {};
  meta.labels = labels;
  const annotations: Record<string, string> = { ...meta.annotations };
  if (trigger) annotations[ANNOTATION_TRIGGER_TIME] = trigger.toISOString(); else delete annotations[ANNOTATION_TRIGGER_TIME];
  if (truncated.over) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated'; else delete annotations[ANNOTATION_OVER_CAPACITY];
  meta.annotations = annotations;
  next.metadata = meta;
  next.subsets = truncated.subsets;
  return next;
}

// stripRV drops targetRef.resourceVersion, which the controller never sets, from a comparison.
function stripRV(subsets: V1EndpointSubset[]): unknown {
  return JSON.parse(JSON.stringify(subsets, (k, v: unknown) => (k === 'resourceVersion' ? undefined : v))) as unknown;
}

// truncate keeps at most MAX_ENDPOINTS_CAPACITY addresses, ready ones first, spread over the subsets.
function truncate(subsets: V1EndpointSubset[]): { subsets: V1EndpointSubset[]; over: boolean } {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= MAX_ENDPOINTS_CAPACITY) return { subsets, over: false };
  let left = MAX_ENDPOINTS_CAPACITY;
  const out = subsets.map((s) => ({ ...s }));
  for (const field of ['addresses', 'notReadyAddresses'] as const) {
    for (const s of out) {
      const list = s[field] ?? [];
      const keep = list.slice(0, Math.max(0, left));
      left -= keep.length;
      if (keep.length) s[field] = keep; else delete s[field];
    }
  }
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), over: true };
}
