// describe prints an object in kubectl describe's layout: "Key:   value" lines aligned by tabwriter,
// a per-kind body (Service has kubectl's fields), and the object's Events.
import type { ResourceInfo } from '../api/scheme.ts';
import { byKind } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import { humanDuration } from '../api/printers/index.ts';
import type { HttpObjectClient } from './http-client.ts';
import { LAST_APPLIED } from './apply.ts';
import { alignBlocks, alignColumns } from './table-print.ts';

// Lines are describe's rows: [key, value, ...] cells, or one cell for a section title or a blank line.
type Pairs = string[][];
type Json = Record<string, unknown>;

// describeText renders one object (with its events) as kubectl describe does.
export function describeText(info: ResourceInfo, obj: KubeObject, events: KubeObject[], endpoints = ''): string {
  const m = obj.metadata ?? {};
  const pairs: Pairs = [['Name:', m.name ?? '']];
  if (info.namespaced) pairs.push(['Namespace:', m.namespace ?? '']);
  pairs.push(...mapLines('Labels:', m.labels), ...mapLines('Annotations:', withoutLastApplied(m.annotations)));
  pairs.push(...(BODIES.get(info.kind) ?? genericBody)(obj, endpoints));
  pairs.push(events.length === 0 ? ['Events:', '<none>'] : ['Events:']);
  let text = alignBlocks(pairs, 0, 2).join('\n') + '\n';
  if (events.length > 0) text += eventLines(events);
  return text;
}

function withoutLastApplied(a: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!a) return a;
  const { [LAST_APPLIED]: _dropped, ...rest } = a;
  return rest;
}

function mapLines(key: string, m: Record<string, string> | undefined): Pairs {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [[key, '<none>']];
  return entries.map(([k, v], i) => [i === 0 ? key : '', `${k}=${v}`]);
}

function serviceBody(obj: KubeObject, endpoints: string): Pairs {
  const spec = (obj['spec'] ?? {}) as Json;
  const sel = Object.entries((spec['selector'] ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const out: Pairs = [['Selector:', sel || '<none>'], ['Type:', String(spec['type'] ?? 'ClusterIP')]];
  if (spec['ipFamilyPolicy']) out.push(['IP Family Policy:', String(spec['ipFamilyPolicy'])]);
  if (Array.isArray(spec['ipFamilies'])) out.push(['IP Families:', spec['ipFamilies'].join(',')]);
  out.push(['IP:', String(spec['clusterIP'] ?? '')]);
  if (Array.isArray(spec['clusterIPs'])) out.push(['IPs:', spec['clusterIPs'].join(',')]);
  if (spec['externalName']) out.push(['External Name:', String(spec['externalName'])]);
  for (const p of (spec['ports'] ?? []) as Json[]) {
    const name = p['name'] ? String(p['name']) : '<unset>';
    const proto = String(p['protocol'] ?? 'TCP');
    out.push(['Port:', `${name}  ${String(p['port'])}/${proto}`]);
    out.push(['TargetPort:', `${String(p['targetPort'] ?? p['port'])}/${proto}`]);
    if (p['nodePort']) out.push(['NodePort:', `${name}  ${String(p['nodePort'])}/${proto}`]);
    out.push(['Endpoints:', endpoints]);
  }
  out.push(['Session Affinity:', String(spec['sessionAffinity'] ?? 'None')]);
  if (spec['externalTrafficPolicy']) out.push(['External Traffic Policy:', String(spec['externalTrafficPolicy'])]);
  if (spec['internalTrafficPolicy']) out.push(['Internal Traffic Policy:', String(spec['internalTrafficPolicy'])]);
  return out;
}

// genericBody lists spec and status fields one per line, dotted, for kinds without a dedicated layout.
function genericBody(obj: KubeObject): Pairs {
  const out: Pairs = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    flatten(k.charAt(0).toUpperCase() + k.slice(1), v, out);
  }
  return out;
}

function flatten(prefix: string, v: unknown, out: Pairs): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) out.push([`${prefix}:`, '<none>']);
    for (const [k, x] of entries) flatten(`${prefix}.${k}`, x, out);
  } else {
    out.push([`${prefix}:`, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
}

// endpointsBody is kubectl's Endpoints layout: per subset its addresses, then a ports table.
function endpointsBody(obj: KubeObject): Pairs {
  const out: Pairs = [['Subsets:']];
  for (const s of (obj['subsets'] ?? []) as Json[]) {
    const ips = (k: string) => ((s[k] ?? []) as Json[]).map((a) => String(a['ip'])).join(',') || '<none>';
    out.push(['  Addresses:', ips('addresses')], ['  NotReadyAddresses:', ips('notReadyAddresses')], ['  Ports:']);
    out.push(['    Name', 'Port', 'Protocol'], ['    ----', '----', '--------']);
    for (const p of (s['ports'] ?? []) as Json[]) out.push([`    ${p['name'] ? String(p['name']) : '<unset>'}`, String(p['port']), String(p['protocol'] ?? 'TCP')]);
  }
  out.push(['']);
  return out;
}

const BODIES = new Map<string, (o: KubeObject, endpoints: string) => Pairs>([['Service', serviceBody], ['Endpoints', endpointsBody]]);

function eventLines(events: KubeObject[]): string {
  const rows = [['  Type', 'Reason', 'Age', 'From', 'Message'], ['  ----', '------', '----', '----', '-------']];
  for (const e of events) {
    const src = (e['source'] ?? {}) as Json;
    rows.push([`  ${String(e['type'] ?? '')}`, String(e['reason'] ?? ''), eventAge(e, Date.now()), String(src['component'] ?? e['reportingComponent'] ?? ''), String(e['message'] ?? '').trim()]);
  }
  return alignColumns(rows, 0, 2).join('\n') + '\n';
}

// eventAge is kubectl's Age cell: since the first time, with "(xN over ...)" for repeated events.
function eventAge(e: KubeObject, now: number): string {
  const since = (ts: unknown) => { const t = typeof ts === 'string' ? Date.parse(ts) : NaN; return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t); };
  const first = since(e['eventTime'] ?? e['firstTimestamp']);
  const series = e['series'] as { count?: number; lastObservedTime?: string } | undefined;
  if (series) return `${since(series.lastObservedTime)} (x${series.count ?? 0} over ${first})`;
  const count = Number(e['count'] ?? 0);
  return count > 1 ? `${since(e['lastTimestamp'])} (x${count} over ${first})` : first;
}

// runDescribe fetches the object, its Endpoints (for a Service) and its Events, and prints them.
export async function runDescribe(client: HttpObjectClient, info: ResourceInfo, namespace: string | undefined, name: string): Promise<string> {
  const obj = await client.get(info, namespace, name);
  let events: KubeObject[] = [];
  const evInfo = byKind('', 'v1', 'Event');
  if (evInfo && namespace !== undefined) {
    const list = await client.list(evInfo, namespace).catch(() => ({ items: [] as KubeObject[] }));
    events = list.items.filter((e) => ((e['involvedObject'] ?? {}) as Json)['name'] === name && ((e['involvedObject'] ?? {}) as Json)['kind'] === info.kind);
  }
  const epInfo = byKind('', 'v1', 'Endpoints');
  const ep = info.kind === 'Service' && epInfo ? await client.get(epInfo, namespace, name).catch(() => undefined) : undefined;
  return describeText(info, obj, events, endpointsText(ep));
}

function endpointsText(ep: KubeObject | undefined): string {
  const out: string[] = [];
  for (const s of (ep?.['subsets'] ?? []) as Json[]) {
    for (const a of (s['addresses'] ?? []) as Json[]) for (const p of (s['ports'] ?? []) as Json[]) out.push(`${String(a['ip'])}:${String(p['port'])}`);
  }
  return out.length === 0 ? '' : out.slice(0, 3).join(',') + (out.length > 3 ? ` + ${out.length - 3} more...` : '');
}
