// Field selectors (?fieldSelector=): parsing as k8s.io/apimachinery/pkg/fields does, and the per-kind
// field labels kube-apiserver supports. An unsupported label is a 400 "field label not supported: x".
import { badRequest } from '../lib/errors.ts';
import type { KubeObject } from './types.ts';

export interface FieldRequirement { field: string; operator: '=' | '!='; value: string }

// FieldSelector matches objects of one kind; empty() is true when it selects everything.
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(obj: KubeObject): boolean;
  empty(): boolean;
  // exact returns the value a field must equal, if one requirement pins it (e.g. metadata.name).
  exact(field: string): string | undefined;
}

type Getter = (o: KubeObject) => unknown;
const at = (...path: string[]): Getter => (o) => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

const COMMON: Record<string, Getter> = { 'metadata.name': at('metadata', 'name'), 'metadata.namespace': at('metadata', 'namespace') };

// FIELD_LABELS lists, per storage "group/Kind", the field labels beyond metadata.name/namespace.
const FIELD_LABELS: Record<string, Record<string, Getter>> = {
  '/Pod': {
    'spec.nodeName': at('spec', 'nodeName'), 'spec.restartPolicy': at('spec', 'restartPolicy'), 'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'), 'spec.hostNetwork': (o) => String(at('spec', 'hostNetwork')(o) === true),
    'status.phase': at('status', 'phase'), 'status.podIP': at('status', 'podIP'), 'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
  '/Event': {
    'involvedObject.kind': at('involvedObject', 'kind'), 'involvedObject.namespace': at('involvedObject', 'namespace'),
    'involvedObject.name': at('involvedObject', 'name'), 'involvedObject.uid': at('involvedObject', 'uid'),
    'involvedObject.apiVersion': at('involvedObject', 'apiVersion'), 'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': at('involvedObject', 'fieldPath'), reason: at('reason'), reportingComponent: at('reportingComponent'),
    source: at('source', 'component'), type: at('type'),
  },
  '/Secret': { type: at('type') },
  '/Node': { 'spec.unschedulable': (o) => String(at('spec', 'unschedulable')(o) === true) },
  '/Namespace': { 'status.phase': at('status', 'phase') },
  '/ReplicationController': { 'status.replicas': at('status', 'replicas') },
  'apps/ReplicaSet': { 'status.replicas': at('status', 'replicas') },
};

function gettersFor(groupKind: { group: string; kind: string }): Record<string, Getter> {
  return { ...COMMON, ...(FIELD_LABELS[`${groupKind.group}/${groupKind.kind}`] ?? {}) };
}

// supportedFieldLabels lists the field labels a kind accepts.
export function supportedFieldLabels(groupKind: { group: string; kind: string }): string[] {
  return Object.keys(gettersFor(groupKind));
}

// splitTerms splits on unescaped commas; splitTerm finds the first !=, == or = outside an escape.
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && i + 1 < s.length) { cur += ch + (s[i + 1] ?? ''); i++; continue; }
    if (ch === ',') { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function splitTerm(term: string): [string, '=' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') { i++; continue; }
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op === '==' ? '=' : op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i] ?? '';
    if (ch !== '\\') {
      if (ch === '=' || ch === ',') throw badRequest(`invalid field selector: unescaped '${ch}' in value`);
      out += ch;
      continue;
    }
    const next = v[i + 1];
    if (next !== '\\' && next !== ',' && next !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
    out += next;
    i++;
  }
  return out;
}

// parseFieldSelector parses "metadata.name=x,status.phase!=Running" for one kind; bad syntax or an
// unsupported field label throws a 400 BadRequest with Kubernetes' message.
export function parseFieldSelector(s: string | undefined, groupKind: { group: string; kind: string }): FieldSelector {
  const getters = gettersFor(groupKind);
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(s ?? '').sort()) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw badRequest(`invalid selector: '${s ?? ''}'; can't understand '${part}'`);
    const [field, operator, raw] = t;
    if (!Object.hasOwn(getters, field)) throw badRequest(`field label not supported: ${field}`);
    reqs.push({ field, operator, value: unescape(raw) });
  }
  const value = (o: KubeObject, f: string): string => { const v = getters[f]?.(o); return v === undefined || v === null ? '' : String(v); };
  return {
    requirements: reqs,
    matches: (o) => reqs.every((r) => (value(o, r.field) === r.value) === (r.operator === '=')),
    empty: () => reqs.length === 0,
    exact: (f) => reqs.find((r) => r.field === f && r.operator === '=')?.value,
  };
}
