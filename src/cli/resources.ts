// Resource name resolution as kubectl does it: plural, singular, short name or Kind, case-insensitive,
// optionally qualified by group ("ingresses.networking.k8s.io"); served-only legacy versions are skipped.
import { RESOURCES, byKind, parseApiVersion } from '../api/scheme.ts';
import type { ResourceInfo } from '../api/scheme.ts';

// CliError is a user-facing failure: main prints "error: <message>" and exits 1.
export class CliError extends Error {
  constructor(message: string) { super(message); this.name = 'CliError'; }
}

const PREFERRED = RESOURCES.filter((r) => !r.storage);

// resolveResource finds the resource a user typed, or throws the error kubectl prints.
export function resolveResource(typed: string): ResourceInfo {
  const t = typed.toLowerCase();
  const dot = t.indexOf('.');
  const name = dot < 0 ? t : t.slice(0, dot);
  const group = dot < 0 ? undefined : t.slice(dot + 1);
  const found = PREFERRED.find((r) => (group === undefined || r.group === group) &&
    (r.resource === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name)));
  if (!found) throw new CliError(`the server doesn't have a resource type "${typed}"`);
  return found;
}

// resolveTypes splits "svc,endpoints" into resources; a category ("all") expands to its resources.
export function resolveTypes(list: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const t of list.split(',').filter((s) => s !== '')) {
    const members = PREFERRED.filter((r) => r.categories.includes(t.toLowerCase()));
    for (const r of members.length > 0 ? members : [resolveResource(t)]) if (!out.includes(r)) out.push(r);
  }
  return out;
}

// resourceOfManifest finds the resource of an object's apiVersion and kind.
export function resourceOfManifest(apiVersion: string | undefined, kind: string | undefined): ResourceInfo | undefined {
  if (!apiVersion || !kind) return undefined;
  const gv = parseApiVersion(apiVersion);
  return byKind(gv.group, gv.version, kind);
}

// kindName is "service/nginx" or "ingress.networking.k8s.io/web", kubectl's -o name form.
export function kindName(info: ResourceInfo, name: string): string {
  const k = info.kind.toLowerCase();
  return info.group ? `${k}.${info.group}/${name}` : `${k}/${name}`;
}
