// aggregated builds the aggregated discovery documents (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) that
// kube-apiserver serves on /api and /apis when the client asks for them first in Accept, as kubectl 1.32
// does: one request per path gives every group, version and resource, so kubectl skips the per-group-
// version /api/v1, /apis/G/V requests.
import { RESOURCES, type ResourceInfo } from '../../api/scheme.ts';

// AGGREGATED_MEDIA_TYPE is the Content-Type of the answer (client-go checks g, v and as).
export const AGGREGATED_MEDIA_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

// SUBRESOURCES are the verbs and response kind of each subresource, as kube-apiserver lists them.
const SUBRESOURCES: Record<string, { verbs: string[]; kind?: { group: string; version: string; kind: string } }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  log: { verbs: ['get'], kind: { group: '', version: 'v1', kind: 'Pod' } },
  scale: { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
};

// aggregatedDiscovery returns the /api (core group) and /apis (named groups, in orderedGroups' order)
// documents, serialized.
export function aggregatedDiscovery(orderedGroups: readonly string[]): { api: string; apis: string } {
  return { api: JSON.stringify(list([''])), apis: JSON.stringify(list(orderedGroups)) };
}

function list(groups: readonly string[]): object {
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: groups.map(group) };
}

// group lists a group's versions, the preferred (first served) one first.
function group(name: string): object {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === name).map((r) => r.version))];
  return {
    metadata: { name, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: RESOURCES.filter((r) => r.group === name && r.version === version).map(resource),
      freshness: 'Current',
    })),
  };
}

function resource(r: ResourceInfo): object {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length ? { subresources: r.subresources.map((sub) => subresource(r, sub)) } : {}),
  };
}

function subresource(r: ResourceInfo, sub: string): object {
  const s = SUBRESOURCES[sub] ?? { verbs: ['get'] };
  const k = s.kind ?? { group: r.group, version: r.version, kind: r.kind };
  return { subresource: sub, responseKind: k, verbs: s.verbs };
}

// wantsAggregated reads an Accept header in order: true when the v2 aggregated list comes before any
// plain JSON entry Portico would otherwise answer with.
export function wantsAggregated(accept: string | undefined): boolean {
  for (const entry of (accept ?? '').split(',')) {
    const segs = entry.split(';').map((s) => s.trim().toLowerCase());
    const mt = segs[0] ?? '';
    const params = new Map(segs.slice(1).map((s) => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)] as const; }));
    const as = params.get('as');
    if (as === undefined && (mt === 'application/json' || mt === '*/*' || mt === 'application/*')) return false;
    if (mt === 'application/json' && as === 'apigroupdiscoverylist' && params.get('g') === 'apidiscovery.k8s.io' && params.get('v') === 'v2') return true;
  }
  return false;
}
