// paths builds the OpenAPI path items of one resource: the operations kube-apiserver serves for it,
// each with x-kubernetes-action and x-kubernetes-group-version-kind, and the query parameters kubectl
// looks for (fieldValidation on PATCH tells kubectl the server validates fields itself).
import type { ResourceInfo } from '../../api/scheme.ts';
import type { Schema } from './definitions.ts';

export type Flavor = 'v2' | 'v3';

interface Param { name: string; in: 'query' | 'path'; description: string; type: 'string' | 'integer' | 'boolean'; required?: boolean }

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });
const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: q('fieldValidation', 'string', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
  force: q('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels.'),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields.'),
  limit: q('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  continue: q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'sendInitialEvents=true may be set together with watch=true.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  propagationPolicy: q('propagationPolicy', 'string', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Foreground', 'Background'."),
  name: { name: 'name', in: 'path', type: 'string', required: true, description: 'name of the resource' } as Param,
  namespace: { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' } as Param,
};
const LIST = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE = [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy];

export interface PathContext { flavor: Flavor; ref: (name: string) => Schema; kindDef: string; listDef: string }

function param(p: Param, flavor: Flavor): Schema {
  const base: Schema = { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}) };
  if (flavor === 'v2') return { ...base, type: p.type, uniqueItems: true };
  return { ...base, schema: { type: p.type, uniqueItems: true } };
}

function body(ctx: PathContext, def: string, contentTypes: string[]): Schema {
  if (ctx.flavor === 'v2') return { name: 'body', in: 'body', required: true, schema: ctx.ref(def) };
  return { required: true, content: Object.fromEntries(contentTypes.map((c) => [c, { schema: ctx.ref(def) }])) };
}

function responses(ctx: PathContext, def: string, codes: number[]): Schema {
  const out: Schema = {};
  for (const c of codes) {
    out[String(c)] = ctx.flavor === 'v2'
      ? { description: c === 201 ? 'Created' : c === 202 ? 'Accepted' : 'OK', schema: ctx.ref(def) }
      : { description: 'OK', content: { 'application/json': { schema: ctx.ref(def) }, 'application/yaml': { schema: ctx.ref(def) } } };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

// operation builds one operation; writes carry the body, every one carries action and GVK.
function operation(ctx: PathContext, info: ResourceInfo, id: string, action: string, params: Param[], resp: { def: string; codes: number[] }, bodyDef?: string, bodyTypes: string[] = ['*/*']): Schema {
  const parameters: Schema[] = params.map((p) => param(p, ctx.flavor));
  const op: Schema = { description: `${action} ${info.kind}`, operationId: id, tags: [tag(info)], parameters, responses: responses(ctx, resp.def, resp.codes) };
  if (bodyDef !== undefined) {
    if (ctx.flavor === 'v2') { parameters.unshift(body(ctx, bodyDef, bodyTypes)); op['consumes'] = bodyTypes; }
    else op['requestBody'] = body(ctx, bodyDef, bodyTypes);
  }
  if (ctx.flavor === 'v2') { op['produces'] = ['application/json', 'application/yaml']; op['schemes'] = ['https']; }
  op['x-kubernetes-action'] = action;
  op['x-kubernetes-group-version-kind'] = { group: info.group, version: info.version, kind: info.kind };
  return op;
}

function tag(info: ResourceInfo): string {
  const g = info.group === '' ? 'core' : (info.group.split('.')[0] ?? info.group);
  return `${g}_${info.version}`;
}

function idFor(verb: string, info: ResourceInfo, scope: string, sub = ''): string {
  const g = info.group === '' ? 'Core' : (info.group.split('.')[0] ?? '').replace(/^./, (c) => c.toUpperCase());
  const v = info.version.replace(/^./, (c) => c.toUpperCase());
  return `${verb}${g}${v}${scope}${info.kind}${sub}`;
}

// resourcePaths returns path → path item for info: collection, object, subresources, and for
// namespaced kinds the all-namespaces list.
export function resourcePaths(ctx: PathContext, info: ResourceInfo): Map<string, Schema> {
  const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const scope = info.namespaced ? 'Namespaced' : '';
  const coll = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const scopeParams = info.namespaced ? [P.namespace] : [];
  const out = new Map<string, Schema>();
  const k = { def: ctx.kindDef, codes: [200] };
  const collItem: Schema = { parameters: [...scopeParams, P.pretty].map((p) => param(p, ctx.flavor)) };
  collItem['get'] = operation(ctx, info, idFor('list', info, scope), 'list', LIST, { def: ctx.listDef, codes: [200] });
  collItem['post'] = operation(ctx, info, idFor('create', info, scope), 'post', WRITE, { def: ctx.kindDef, codes: [200, 201, 202] }, ctx.kindDef);
  if (info.verbs.includes('deletecollection')) collItem['delete'] = operation(ctx, info, idFor('deletecollection', info, scope), 'deletecollection', [...DELETE, ...LIST], { def: ctx.listDef, codes: [200] });
  out.set(coll, collItem);
  const itemParams = [P.name, ...scopeParams, P.pretty].map((p) => param(p, ctx.flavor));
  const item: Schema = { parameters: itemParams };
  item['get'] = operation(ctx, info, idFor('read', info, scope), 'get', [], k);
  item['put'] = operation(ctx, info, idFor('replace', info, scope), 'put', WRITE, { def: ctx.kindDef, codes: [200, 201] }, ctx.kindDef);
  item['patch'] = operation(ctx, info, idFor('patch', info, scope), 'patch', [...WRITE, P.force], { def: ctx.kindDef, codes: [200, 201] }, 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', PATCH_TYPES);
  item['delete'] = operation(ctx, info, idFor('delete', info, scope), 'delete', DELETE, { def: ctx.kindDef, codes: [200, 202] });
  out.set(`${coll}/{name}`, item);
  for (const sub of info.subresources.filter((s) => s === 'status')) {
    const subItem: Schema = { parameters: itemParams };
    const S = 'Status';
    subItem['get'] = operation(ctx, info, idFor('read', info, scope, S), 'get', [], k);
    subItem['put'] = operation(ctx, info, idFor('replace', info, scope, S), 'put', WRITE, { def: ctx.kindDef, codes: [200, 201] }, ctx.kindDef);
    subItem['patch'] = operation(ctx, info, idFor('patch', info, scope, S), 'patch', [...WRITE, P.force], { def: ctx.kindDef, codes: [200, 201] }, 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', PATCH_TYPES);
    out.set(`${coll}/{name}/${sub}`, subItem);
  }
  if (info.namespaced) {
    const all: Schema = { parameters: [param(P.pretty, ctx.flavor)] };
    all['get'] = operation(ctx, info, idFor('list', info, 'ForAllNamespaces'), 'list', LIST, { def: ctx.listDef, codes: [200] });
    out.set(`${base}/${info.resource}`, all);
  }
  return out;
}
