// request-info turns a request line into what the API server does with it: the resource, namespace,
// name, subresource and verb, as k8s.io/apiserver's RequestInfoFactory does.
import { RESOURCES } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  info: ResourceInfo;
  verb: RequestVerb;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

// ParsedPath is a resource path before the method is known; undefined parts are absent.
export type ParseResult =
  | { kind: 'resource'; ri: RequestInfo }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; method: string };

const byGVR = new Map<string, ResourceInfo>(RESOURCES.map((x) => [`${x.group}/${x.version}/${x.resource}`, x]));

// parseResourcePath resolves "/api/v1/..." and "/apis/G/V/..." (with the legacy "/watch/" segment) and
// the method + watch query to a RequestInfo; notFound for anything that names no served resource.
export function parseResourcePath(method: string, pathname: string, watchParam: string | null): ParseResult {
  const parts = pathname.split('/').filter((s) => s !== '');
  let group: string; let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) { group = ''; rest = parts.slice(1); }
  else if (parts[0] === 'apis' && parts.length >= 3) { group = parts[1] ?? ''; rest = parts.slice(2); }
  else return { kind: 'notFound' };
  const version = rest[0] ?? '';
  let segs = rest.slice(1);
  let legacyWatch = false;
  if (segs[0] === 'watch') { legacyWatch = true; segs = segs.slice(1); }
  const target = resolveSegments(group, version, segs);
  if (!target) return { kind: 'notFound' };
  const watch = legacyWatch || watchParam === '1' || watchParam === 'true';
  const verb = verbFor(method, target.name !== undefined, watch);
  if (!verb) return { kind: 'methodNotAllowed', method };
  if (legacyWatch && verb !== 'watch' && verb !== 'list') return { kind: 'notFound' };
  const ri: RequestInfo = { ...target, verb: legacyWatch ? 'watch' : verb };
  if (ri.subresource !== undefined && !target.info.subresources.includes(ri.subresource)) return { kind: 'notFound' };
  if (ri.subresource !== undefined && (ri.verb === 'list' || ri.verb === 'watch')) return { kind: 'notFound' };
  return { kind: 'resource', ri };
}

type Target = Omit<RequestInfo, 'verb'>;

function resolveSegments(group: string, version: string, segs: string[]): Target | undefined {
  let namespace: string | undefined;
  let p = segs;
  if (p[0] === 'namespaces' && p.length >= 3 && !isNamespaceSubresource(group, version, p)) {
    namespace = p[1];
    p = p.slice(2);
  }
  if (p.length < 1 || p.length > 3) return undefined;
  const info = byGVR.get(`${group}/${version}/${p[0] ?? ''}`);
  if (!info) return undefined;
  if (namespace !== undefined && !info.namespaced) return undefined;
  return { info, namespace, name: p[1], subresource: p[2] };
}

// isNamespaceSubresource tells "/api/v1/namespaces/NS/status" (a namespace's subresource) from
// "/api/v1/namespaces/NS/pods" (a namespaced collection).
function isNamespaceSubresource(group: string, version: string, p: string[]): boolean {
  if (group !== '' || version !== 'v1' || p.length !== 3) return false;
  const ns = byGVR.get('/v1/namespaces');
  return ns !== undefined && ns.subresources.includes(p[2] ?? '');
}

function verbFor(method: string, named: boolean, watch: boolean): RequestVerb | undefined {
  switch (method) {
    case 'GET': case 'HEAD': return named ? (watch ? 'watch' : 'get') : (watch ? 'watch' : 'list');
    case 'POST': return named ? undefined : 'create';
    case 'PUT': return named ? 'update' : undefined;
    case 'PATCH': return named ? 'patch' : undefined;
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}
