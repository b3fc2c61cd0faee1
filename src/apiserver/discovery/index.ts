// discovery builds the classic discovery documents (/api, /apis, /api/v1, /apis/G/V) and /version from
// the scheme's RESOURCES, once: the served documents are immutable strings.
import { apiVersionOf, RESOURCES } from '../../api/scheme.ts';
import type { ResourceInfo } from '../../api/scheme.ts';
import { aggregatedDiscovery } from './aggregated.ts';

export { AGGREGATED_MEDIA_TYPE, wantsAggregated } from './aggregated.ts';

export interface VersionInfo {
  major: string; minor: string; gitVersion: string; gitCommit: string; gitTreeState: string;
  buildDate: string; goVersion: string; compiler: string; platform: string;
}

export const DEFAULT_VERSION: VersionInfo = {
  major: '1', minor: '32', gitVersion: 'v1.32.0-portico', gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', goVersion: `node${process.versions.node}`,
  compiler: 'node', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

// GROUP_ORDER is the order groups appear in /apis (kubectl prefers earlier groups for short names);
// the legacy extensions group comes last so "ingress" means networking.k8s.io.
const GROUP_ORDER = ['apps', 'discovery.k8s.io', 'networking.k8s.io', 'coordination.k8s.io', 'extensions'];

// Discovery holds every discovery document as serialized JSON, keyed by request path.
export interface Discovery {
  documents: ReadonlyMap<string, string>;
  // aggregated holds the apidiscovery.k8s.io/v2 documents for /api and /apis (see aggregated.ts).
  aggregated: ReadonlyMap<string, string>;
}

// buildDiscovery serializes /version, /api, /apis and one resource list per group version.
export function buildDiscovery(version: VersionInfo = DEFAULT_VERSION): Discovery {
  const docs = new Map<string, string>();
  docs.set('/version', JSON.stringify(version, null, 2));
  docs.set('/api', JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] }));
  docs.set('/apis', JSON.stringify(apiGroupList()));
  for (const gv of groupVersions()) {
    const path = gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
    docs.set(path, JSON.stringify(resourceList(gv.group, gv.version)));
    if (gv.group !== '') docs.set(`/apis/${gv.group}`, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(gv.group) }));
  }
  const agg = aggregatedDiscovery(namedGroups());
  return { documents: docs, aggregated: new Map([['/api', agg.api], ['/apis', agg.apis]]) };
}

// groupVersions lists every served group/version once, in RESOURCES order.
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

function apiGroup(group: string): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } } {
  const versions = groupVersions().filter((gv) => gv.group === group).map((gv) => ({ groupVersion: apiVersionOf(gv), version: gv.version }));
  const first = versions[0] ?? { groupVersion: `${group}/v1`, version: 'v1' };
  return { name: group, versions, preferredVersion: first };
}

// namedGroups lists the groups of /apis in GROUP_ORDER.
function namedGroups(): string[] {
  const groups = [...new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ''))];
  return groups.sort((a, b) => rank(a) - rank(b));
}

function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(apiGroup) };
}

function rank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length - 1 : i;
}

// SUBRESOURCE_VERBS are the verbs and response kind of each subresource, as kube-apiserver lists them.
const SUBRESOURCES: Record<string, { verbs: string[]; kind?: { group: string; version: string; kind: string } }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  log: { verbs: ['get'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
};

function resourceList(group: string, version: string): object {
  const resources: object[] = [];
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    resources.push(apiResource(r));
    for (const sub of r.subresources) resources.push(subResource(r, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function apiResource(r: ResourceInfo): object {
  return {
    name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
  };
}

function subResource(r: ResourceInfo, sub: string): object {
  const s = SUBRESOURCES[sub] ?? { verbs: ['get'] };
  const k = s.kind;
  return { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, ...(k ? { group: k.group, version: k.version, kind: k.kind } : { kind: r.kind }), verbs: s.verbs };
}
