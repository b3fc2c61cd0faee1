// planSlices is the pure reconciler of the EndpointSlice controller: given the desired endpoint groups
// and the slices that exist, it returns the creates, updates and deletes that converge them with
// minimal churn (kube's reconciler strategy): endpoints stay in the slice that holds them, new ones fill
// slices already being updated, then slices with room, then new slices; emptied slices are recycled
// for creates before being deleted. A Service with no endpoints keeps one empty placeholder slice.
import type { V1OwnerReference } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { isHeadless } from '../shared/pod-util.ts';
import { ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../shared/types.ts';
import type { EndpointSlice, Service } from '../shared/types.ts';
import { endpointKey, portSetKey } from './desired-slices.ts';
import type { EndpointGroup } from './desired-slices.ts';

export interface PlanInput {
  service: Service;
  groups: readonly EndpointGroup[];
  existing: readonly EndpointSlice[];   // the slices labelled for this Service and managed by managedBy
  maxPerSlice: number;
  managedBy: string;
  triggerTime?: Date | undefined;
  // labels the slices start from (default: the Service's labels); service-name and managed-by are added.
  baseLabels?: Record<string, string> | undefined;
  // placeholder: keep one empty slice when there are no endpoints (default true, as kube's controller).
  placeholder?: boolean;
}

export interface SlicePlan { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }

interface SliceState { slice: EndpointSlice; eps: EndpointSlice['endpoints'] & object; changed: boolean }

export function planSlices(input: PlanInput): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const owned: EndpointSlice[] = [];
  for (const s of [...input.existing].sort(byName)) (isOwnedBy(s, input.service) && s.addressType === 'IPv4' ? owned : plan.delete).push(s);
  const byKey = new Map<string, EndpointSlice[]>();
  for (const s of owned) {
    const k = portSetKey(s.ports ?? []);
    byKey.set(k, [...(byKey.get(k) ?? []), s]);
  }
  const unchanged: EndpointSlice[] = [];
  for (const g of input.groups) {
    reconcileGroup(g, byKey.get(g.key) ?? [], input, plan, unchanged);
    byKey.delete(g.key);
  }
  for (const rest of byKey.values()) plan.delete.push(...rest);
  if (input.groups.length === 0 && input.placeholder !== false) {
    const kept = keepPlaceholder(input, plan);
    if (kept) unchanged.push(kept);
  }
  recycle(plan);
  // Unchanged slices only need their labels/owner checked: compare on a shallow copy of the metadata
  // (withMeta replaces, never mutates, what it sets) and deep-clone only the few that need an update.
  for (const s of unchanged) {
    const meta = withMeta({ ...s, metadata: { ...s.metadata } }, input, false).metadata;
    if (!isDeepStrictEqual(meta, s.metadata)) plan.update.push(withMeta(structuredClone(s), input, false));
  }
  return plan;
}

function reconcileGroup(g: EndpointGroup, slices: EndpointSlice[], input: PlanInput, plan: SlicePlan, unchanged: EndpointSlice[]): void {
  const desired = new Map(g.endpoints.map((e) => [endpointKey(e), e]));
  const states: SliceState[] = slices.map((slice) => {
    const eps: SliceState['eps'] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const d = desired.get(endpointKey(ep));
      if (!d || eps.length >= input.maxPerSlice) { changed = true; continue; }
      desired.delete(endpointKey(ep));
      if (!isDeepStrictEqual(d, ep)) changed = true;
      eps.push(d);
    }
    return { slice, eps, changed };
  });
  const remaining = [...desired.values()];
  const fill = (st: SliceState) => {
    while (remaining.length > 0 && st.eps.length < input.maxPerSlice) { st.eps.push(remaining.shift() as SliceState['eps'][number]); st.changed = true; }
  };
  for (const st of states) if (st.changed && st.eps.length > 0) fill(st);
  for (const st of states) if (!st.changed) fill(st);
  for (const st of states) if (st.eps.length === 0) fill(st);
  while (remaining.length > 0) plan.create.push(newSlice(input, g, remaining.splice(0, input.maxPerSlice)));
  for (const st of states) {
    if (st.eps.length === 0) plan.delete.push(st.slice);
    else if (st.changed) plan.update.push(withMeta({ ...cloneWithout(st.slice), ports: g.ports, endpoints: st.eps }, input, true));
    else unchanged.push(st.slice);
  }
}

// keepPlaceholder leaves exactly one empty slice for a Service without endpoints (reusing one if it can);
// it returns the slice it kept as it was.
function keepPlaceholder(input: PlanInput, plan: SlicePlan): EndpointSlice | undefined {
  const isPlaceholder = (s: EndpointSlice) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0;
  const i = plan.delete.findIndex((s) => isOwnedBy(s, input.service) && s.addressType === 'IPv4');
  if (i < 0) { plan.create.push(newSlice(input, { key: '', ports: [], endpoints: [] }, [])); return undefined; }
  const [s] = plan.delete.splice(i, 1);
  if (s && isPlaceholder(s)) return s;
  if (s) plan.update.push(withMeta({ ...cloneWithout(s), ports: [], endpoints: [] }, input, true));
  return undefined;
}

// cloneWithout deep-copies a slice but its endpoints and ports, which the caller replaces anyway
// (copying a full slice of endpoints only to drop them showed in profiles).
// Keys keep their order, so the written JSON is the same as before.
function cloneWithout(s: EndpointSlice): EndpointSlice {
  return structuredClone({ ...s, endpoints: [], ports: [] });
}

// recycle turns a create + a delete into one update of the slice that would be deleted.
function recycle(plan: SlicePlan): void {
  const keep: EndpointSlice[] = [];
  for (const c of plan.create) {
    const victim = plan.delete.find((d) => d.metadata?.ownerReferences?.[0]?.uid === c.metadata?.ownerReferences?.[0]?.uid && d.addressType === c.addressType);
    if (!victim) { keep.push(c); continue; }
    plan.delete.splice(plan.delete.indexOf(victim), 1);
    const meta = { ...c.metadata, name: victim.metadata?.name ?? '' };
    delete meta.generateName;
    if (victim.metadata?.resourceVersion) meta.resourceVersion = victim.metadata.resourceVersion;
    if (victim.metadata?.uid) meta.uid = victim.metadata.uid;
    plan.update.push({ ...c, metadata: meta });
  }
  plan.create = keep;
}

function newSlice(input: PlanInput, g: EndpointGroup, endpoints: EndpointSlice['endpoints'] & object): EndpointSlice {
  const name = input.service.metadata?.name ?? '';
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { generateName: `${name.length > 57 ? name.slice(0, 57) : name}-`, namespace: input.service.metadata?.namespace ?? '' },
    addressType: 'IPv4', endpoints, ports: g.ports,
  };
  return withMeta(slice, input, true);
}

// withMeta converges a slice's labels, owner reference and (when its endpoints changed) trigger time.
function withMeta(slice: EndpointSlice, input: PlanInput, changed: boolean): EndpointSlice {
  const svc = input.service;
  const meta = slice.metadata ?? {};
  const labels: Record<string, string> = { ...(input.baseLabels ?? svc.metadata?.labels), [LABEL_SERVICE_NAME]: svc.metadata?.name ?? '', [LABEL_MANAGED_BY]: input.managedBy };
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  meta.labels = labels;
  meta.ownerReferences = [ownerRef(svc)];
  if (changed) {
    const annotations: Record<string, string> = { ...meta.annotations };
    if (input.triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = input.triggerTime.toISOString();
    else delete annotations[ANNOTATION_TRIGGER_TIME];
    meta.annotations = annotations;
  }
  slice.metadata = meta;
  return slice;
}

export function ownerRef(svc: Service): V1OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function isOwnedBy(s: EndpointSlice, svc: Service): boolean {
  return (s.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Service' && r.uid === svc.metadata?.uid);
}

function byName(a: EndpointSlice, b: EndpointSlice): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
