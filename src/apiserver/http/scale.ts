// scale serves the autoscaling/v1 Scale subresource of deployments, replicasets and
// replicationcontrollers (GET, PUT, PATCH), so `kubectl scale` works: the Scale is a view of the
// parent's spec.replicas / status.replicas / selector, and writes become a merge patch of
// spec.replicas on the parent (with the Scale's resourceVersion as precondition when given).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { badRequest, invalid, field } from '../../lib/errors.ts';
import { decodeBody, encode, negotiate, patchTypeOf, readBody, send } from './codec.ts';
import type { RequestInfo } from './request-info.ts';
import type { ResourceContext } from './resource-handler.ts';

// toScale is the Scale view of a workload object.
export function toScale(obj: KubeObject): KubeObject {
  const m = obj.metadata ?? {};
  const spec = (obj['spec'] ?? {}) as { replicas?: number; selector?: V1LabelSelector | Record<string, string> };
  const status = (obj['status'] ?? {}) as { replicas?: number };
  return {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '', creationTimestamp: m.creationTimestamp ?? '' } as NonNullable<KubeObject['metadata']>,
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

// selectorString renders a LabelSelector (or an RC's map selector) as selector text.
export function selectorString(sel: V1LabelSelector | Record<string, string> | undefined): string {
  if (!sel) return '';
  const isLabelSelector = 'matchLabels' in sel || 'matchExpressions' in sel;
  const labels = isLabelSelector ? ((sel as V1LabelSelector).matchLabels ?? {}) : (sel as Record<string, string>);
  const parts = Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ''}`);
  for (const e of isLabelSelector ? ((sel as V1LabelSelector).matchExpressions ?? []) : []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export async function handleScale(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, ri: RequestInfo, _q: URLSearchParams): Promise<number> {
  const accept = negotiate(req.headers.accept);
  const name = ri.name ?? '';
  const current = await ctx.registry.get(ri.info, ri.namespace, name);
  let out: KubeObject = current;
  if (ri.verb === 'update' || ri.verb === 'patch') {
    const body = decodeBody(await readBody(req), req.headers['content-type']);
    const want = ri.verb === 'update' ? fromScaleBody(body) : fromScalePatch(patchTypeOf(req.headers['content-type']), body, toScale(current));
    const replicas = want.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    const patch = { metadata: want.resourceVersion ? { resourceVersion: want.resourceVersion } : {}, spec: { replicas } };
    out = await ctx.registry.patch(ri.info, ri.namespace, name, 'merge', patch, {});
  } else if (ri.verb !== 'get') {
    throw badRequest(`${ri.verb} is not supported on ${ri.info.resource}/scale`);
  }
  send(res, 200, encode(toScale(out), accept.format), accept.format);
  return 200;
}

function fromScaleBody(body: unknown): { replicas: number; resourceVersion?: string } {
  const b = (body ?? {}) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: number } };
  const rv = b.metadata?.resourceVersion;
  return { replicas: b.spec?.replicas ?? 0, ...(rv ? { resourceVersion: rv } : {}) };
}

function fromScalePatch(type: string, body: unknown, cur: KubeObject): { replicas: number; resourceVersion?: string } {
  const curReplicas = ((cur['spec'] ?? {}) as { replicas?: number }).replicas ?? 0;
  if (type === 'json') {
    const ops = Array.isArray(body) ? body as { op?: string; path?: string; value?: unknown }[] : [];
    const op = ops.find((o) => o.path === '/spec/replicas' && (o.op === 'replace' || o.op === 'add'));
    return { replicas: typeof op?.value === 'number' ? op.value : curReplicas };
  }
  const b = (body ?? {}) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: number } };
  const rv = b.metadata?.resourceVersion;
  return { replicas: b.spec?.replicas ?? curReplicas, ...(rv ? { resourceVersion: rv } : {}) };
}

