import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from './index.ts';
import { lookupField, rootType, type TypeRef } from './patch-schema.ts';
import { byKind, type ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { PatchType } from '../registry/types.ts';

const svcInfo = byKind('', 'v1', 'Service') as ResourceInfo;
const deployInfo = byKind('apps', 'v1', 'Deployment') as ResourceInfo;

const svc: KubeObject = {
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'nginx', namespace: 'default', resourceVersion: '7', labels: { app: 'nginx', tier: 'web' } },
  spec: { selector: { app: 'nginx' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] },
};
const deploy: KubeObject = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
};

const cases: Array<{ desc: string; type: PatchType; info: ResourceInfo; in: KubeObject; patch: unknown; want: (o: KubeObject) => unknown; equal: unknown }> = [
  { desc: 'kubectl label (merge patch) adds a label', type: 'merge', info: svcInfo, in: svc,
    patch: { metadata: { labels: { env: 'prod' } } }, want: (o) => o.metadata?.labels, equal: { app: 'nginx', tier: 'web', env: 'prod' } },
  { desc: 'kubectl label tier- (merge patch) removes a label', type: 'merge', info: svcInfo, in: svc,
    patch: { metadata: { labels: { tier: null } } }, want: (o) => o.metadata?.labels, equal: { app: 'nginx' } },
  { desc: 'kubectl annotate --resource-version (merge patch)', type: 'merge', info: svcInfo, in: svc,
    patch: { metadata: { annotations: { a: 'b' }, resourceVersion: '7' } }, want: (o) => o.metadata?.annotations, equal: { a: 'b' } },
  { desc: 'kubectl scale (merge patch) sets replicas', type: 'merge', info: deployInfo, in: deploy,
    patch: { spec: { replicas: 3 } }, want: (o) => (o['spec'] as Record<string, unknown>)['replicas'], equal: 3 },
  { desc: 'merge patch replaces lists', type: 'merge', info: svcInfo, in: svc,
    patch: { spec: { ports: [{ port: 443 }] } }, want: (o) => (o['spec'] as Record<string, unknown>)['ports'], equal: [{ port: 443 }] },
  { desc: 'json patch add/replace/remove', type: 'json', info: svcInfo, in: svc,
    patch: [{ op: 'add', path: '/metadata/labels/env', value: 'prod' }, { op: 'remove', path: '/metadata/labels/tier' }, { op: 'replace', path: '/spec/ports/0/port', value: 81 }],
    want: (o) => [o.metadata?.labels, (o['spec'] as { ports: Array<{ port: number }> }).ports[0]?.port], equal: [{ app: 'nginx', env: 'prod' }, 81] },
  { desc: 'json patch test then replace', type: 'json', info: deployInfo, in: deploy,
    patch: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 4 }],
    want: (o) => (o['spec'] as Record<string, unknown>)['replicas'], equal: 4 },
  { desc: 'kubectl edit-like replace of the whole document', type: 'json', info: svcInfo, in: svc,
    patch: [{ op: 'replace', path: '', value: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { ports: [{ port: 1 }] } } }],
    want: (o) => o, equal: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { ports: [{ port: 1 }] } } },
  { desc: 'Dates in the original become RFC 3339 strings', type: 'merge', info: svcInfo,
    in: { ...svc, metadata: { name: 'nginx', creationTimestamp: new Date('2024-05-01T10:00:00.000Z') } },
    patch: { metadata: { labels: { a: 'b' } } }, want: (o) => o.metadata?.creationTimestamp, equal: '2024-05-01T10:00:00Z' },
];

for (const c of cases) {
  test(`${c.type}: ${c.desc}`, () => {
    const before = structuredClone(c.in);
    const out = applyPatch(c.type, c.in, c.patch, c.info);
    assert.deepEqual(c.want(out), c.equal);
    assert.deepEqual(c.in, before, 'original must not be mutated');
  });
}

const errorCases: Array<{ desc: string; type: PatchType; patch: unknown; code: number; reason: string; text: RegExp }> = [
  { desc: 'a failing json patch test', type: 'json', patch: [{ op: 'test', path: '/spec/selector/app', value: 'other' }], code: 422, reason: 'Invalid', text: /testing value \/spec\/selector\/app failed: test failed/ },
  { desc: 'json patch removing a missing path', type: 'json', patch: [{ op: 'remove', path: '/spec/nope' }], code: 422, reason: 'Invalid', text: /remove operation does not apply/ },
  { desc: 'json patch with an unknown op', type: 'json', patch: [{ op: 'frob', path: '/a' }], code: 422, reason: 'Invalid', text: /Unexpected kind: frob/ },
  { desc: 'json patch that is not a list', type: 'json', patch: { op: 'add' }, code: 400, reason: 'BadRequest', text: /cannot unmarshal/ },
  { desc: 'merge patch that is not an object', type: 'merge', patch: [1], code: 400, reason: 'BadRequest', text: /Invalid JSON Patch/ },
  { desc: 'server-side apply', type: 'apply', patch: {}, code: 415, reason: 'UnsupportedMediaType', text: /unknown format/ },
];

for (const c of errorCases) {
  test(`${c.type} error: ${c.desc}`, () => {
    assert.throws(() => applyPatch(c.type, svc, c.patch, svcInfo), (e: unknown) => {
      const err = e as { code: number; reason: string; message: string; details?: unknown };
      assert.equal(err.code, c.code);
      assert.equal(err.reason, c.reason);
      assert.match(`${err.message} ${JSON.stringify(err.details ?? {})}`, c.text);
      return true;
    });
  });
}

test('json patch with more than 10000 operations is refused with 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Service' }));
  assert.throws(() => applyPatch('json', svc, ops, svcInfo), { code: 413 });
});

// walk follows field names from a kind's root type, as the strategic merge does.
function walk(kind: string, path: string[]): { type: TypeRef; mergeKey: string; strategies: readonly string[] } {
  let t = rootType(kind, 'v1');
  let meta = { type: t, mergeKey: '', strategies: [] as readonly string[] };
  for (const f of path) {
    meta = lookupField(t, f);
    t = meta.type.kind === 'list' ? meta.type.elem : meta.type;
  }
  return meta;
}

const schemaCases = [
  { desc: 'Deployment template containers', kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers'], want: 'merge:name' },
  { desc: 'Deployment container env', kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers', 'env'], want: 'merge:name' },
  { desc: 'Pod container ports', kind: 'Pod', path: ['spec', 'containers', 'ports'], want: 'merge:containerPort' },
  { desc: 'Pod volumes', kind: 'Pod', path: ['spec', 'volumes'], want: 'merge,retainKeys:name' },
  { desc: 'Pod tolerations', kind: 'Pod', path: ['spec', 'tolerations'], want: ':' },
  { desc: 'Service ports', kind: 'Service', path: ['spec', 'ports'], want: 'merge:port' },
  { desc: 'Deployment strategy', kind: 'Deployment', path: ['spec', 'strategy'], want: 'retainKeys:' },
  { desc: 'DaemonSet conditions', kind: 'DaemonSet', path: ['status', 'conditions'], want: 'merge:type' },
  { desc: 'labels are a map', kind: 'Service', path: ['metadata', 'labels', 'app'], want: ':' },
];

for (const c of schemaCases) {
  test(`schema: ${c.desc}`, () => {
    const m = walk(c.kind, c.path);
    assert.equal(`${m.strategies.join(',')}:${m.mergeKey}`, c.want);
  });
}
