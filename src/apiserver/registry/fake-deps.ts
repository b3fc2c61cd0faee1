// fakeDeps are small stand-ins for the registry's dependencies, for the registry's own tests: allocators
// with kube-apiserver's messages, a permissive strategy with a few Service rules, a decoder that knows
// Service spec fields, label selectors (the real parser) and metadata.name/namespace field selectors.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { Strategy } from '../../api/strategy.ts';
import type { KubeObject } from '../../api/types.ts';
import { parseSelector } from '../../api/labels.ts';
import { badRequest, field, type FieldError } from '../../lib/errors.ts';
import type { DecodeErrors, IPAllocatorLike, PortAllocatorLike, RegistryDeps, Selector } from './deps.ts';

// FakeIPAllocator hands out a.b.c.N from a /24 (N in 1..254), in order.
export class FakeIPAllocator implements IPAllocatorLike {
  readonly used = new Set<string>();
  private readonly base: string;
  private readonly cidr: string;
  constructor(cidr: string) { this.cidr = cidr; this.base = cidr.split('.').slice(0, 3).join('.'); }
  nth(n: number): string { return `${this.base}.${n}`; }
  allocateNext(): string {
    for (let n = 1; n < 255; n++) if (!this.used.has(this.nth(n))) { this.used.add(this.nth(n)); return this.nth(n); }
    throw new Error('range is full');
  }
  allocate(ip: string): void {
    if (!ip.startsWith(this.base + '.')) throw new Error(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
    if (this.used.has(ip)) throw new Error('provided IP is already allocated');
    this.used.add(ip);
  }
  release(ip: string): void { this.used.delete(ip); }
  has(ip: string): boolean { return this.used.has(ip); }
}

// FakePortAllocator hands out ports from base upwards.
export class FakePortAllocator implements PortAllocatorLike {
  readonly used = new Set<number>();
  private readonly base: number;
  private readonly size: number;
  constructor(r: { base: number; size: number }) { this.base = r.base; this.size = r.size; }
  allocateNext(): number {
    for (let p = this.base; p < this.base + this.size; p++) if (!this.used.has(p)) { this.used.add(p); return p; }
    throw new Error('range is full');
  }
  allocate(p: number): void {
    if (p < this.base || p >= this.base + this.size) throw new Error(`provided port is not in the valid range. The range of valid ports is ${this.base}-${this.base + this.size - 1}`);
    if (this.used.has(p)) throw new Error('provided port is already allocated');
    this.used.add(p);
  }
  release(p: number): void { this.used.delete(p); }
  has(p: number): boolean { return this.used.has(p); }
}

const SPEC_FIELDS = new Set(['ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalName', 'externalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy', 'healthCheckNodePort', 'sessionAffinity']);

function fakeDecode(_apiVersion: string, kind: string, obj: unknown): DecodeErrors {
  const out: DecodeErrors = { unknown: [], type: [] };
  const o = obj as Record<string, unknown>;
  if (kind !== 'Service' || !o['spec'] || typeof o['spec'] !== 'object') return out;
  const spec = o['spec'] as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (!SPEC_FIELDS.has(k)) out.unknown.push(`unknown field "spec.${k}"`);
  if (spec['ports'] !== undefined && !Array.isArray(spec['ports'])) out.type.push('json: cannot unmarshal string into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort');
  return out;
}

// fakeStrategy: Services default type ClusterIP and may not change clusterIP; names are required.
function fakeStrategy(info: ResourceInfo): Strategy {
  const svc = info.resource === 'services';
  const spec = (o: KubeObject): Record<string, unknown> => (o['spec'] ?? (o['spec'] = {})) as Record<string, unknown>;
  const validate = (o: KubeObject): FieldError[] => (o.metadata?.name ? [] : [field.required('metadata.name', 'name or generateName is required')]);
  return {
    default(o) { if (svc && !spec(o)['type']) spec(o)['type'] = 'ClusterIP'; },
    prepareForCreate(o) { delete o['status']; },
    prepareForUpdate(o, old) {
      if (info.subresources.includes('status')) { if (old['status'] === undefined) delete o['status']; else o['status'] = old['status']; }
      if (JSON.stringify(o['spec']) !== JSON.stringify(old['spec']) && o.metadata) o.metadata.generation = (old.metadata?.generation ?? 0) + 1;
    },
    validate,
    validateUpdate(o, old) {
      const errs = validate(o);
      if (svc && old['spec'] && spec(old)['clusterIP'] && spec(o)['clusterIP'] !== spec(old)['clusterIP'] && spec(o)['type'] !== 'ExternalName') {
        errs.push(field.invalid('spec.clusterIPs[0]', spec(o)['clusterIP'], 'may not change once set'));
      }
      return errs;
    },
    prepareForStatusUpdate(o, old) { const st = o['status']; for (const k of Object.keys(o)) delete o[k]; Object.assign(o, structuredClone(old)); o['status'] = st; },
    validateStatusUpdate: () => [],
  };
}

// fakeSelector: the real label selector parser, and `metadata.name`/`metadata.namespace` =, ==, != fields.
function fakeSelector(_info: ResourceInfo, labelSelector: string | undefined, fieldSelector: string | undefined): Selector {
  const labels = parseSelector(labelSelector);
  const fields = (fieldSelector ?? '').split(',').filter((s) => s.trim() !== '').map((term) => {
    const m = /^\s*([\w.]+)\s*(!=|==|=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    return { path: m[1] ?? '', neg: m[2] === '!=', value: m[3] ?? '' };
  });
  return (obj) => {
    if (!labels.matches(obj.metadata?.labels)) return false;
    return fields.every((f) => {
      const v = f.path === 'metadata.name' ? obj.metadata?.name : f.path === 'metadata.namespace' ? obj.metadata?.namespace : undefined;
      return (v === f.value) !== f.neg;
    });
  };
}

// fakeIngressConversion converts extensions/v1beta1 backends (serviceName/servicePort) to v1 and back.
function convertBackend(b: Record<string, unknown>, toV1: boolean): Record<string, unknown> {
  if (toV1) return { service: { name: b['serviceName'], port: typeof b['servicePort'] === 'number' ? { number: b['servicePort'] } : { name: b['servicePort'] } } };
  const svc = (b['service'] ?? {}) as { name?: string; port?: { number?: number; name?: string } };
  return { serviceName: svc.name, servicePort: svc.port?.number ?? svc.port?.name };
}

function convertIngress(obj: KubeObject, toV1: boolean): KubeObject {
  const out = structuredClone(obj);
  out.apiVersion = toV1 ? 'networking.k8s.io/v1' : 'extensions/v1beta1';
  out.kind = 'Ingress';
  const spec = (out['spec'] ?? {}) as { rules?: Array<{ http?: { paths?: Array<Record<string, unknown>> } }> };
  for (const r of spec.rules ?? []) for (const p of r.http?.paths ?? []) {
    p['backend'] = convertBackend((p['backend'] ?? {}) as Record<string, unknown>, toV1);
    if (toV1 && !p['pathType']) p['pathType'] = 'ImplementationSpecific';
  }
  return out;
}

export function fakeDeps(): RegistryDeps {
  return {
    strategyFor: fakeStrategy,
    decodeErrors: fakeDecode,
    applyPatch: (type, original, patch) => {
      if (type !== 'merge') throw badRequest(`fake applyPatch supports merge only, not ${type}`);
      return mergePatch(original, patch) as KubeObject;
    },
    toStorage: (obj) => convertIngress(obj, true),
    fromStorage: (obj) => convertIngress(obj, false),
    selector: fakeSelector,
    newIPAllocator: (cidr) => new FakeIPAllocator(cidr),
    newPortAllocator: (r) => new FakePortAllocator(r),
  };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}
