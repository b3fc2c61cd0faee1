// api-watch is bench/api.ts's watchers (a worker thread): `watchers` clients each watch services and
// endpoints of one namespace from resourceVersion `rv` and record when they first see each object
// svc-NNNNNN (nowMs, by index); one more stream watches EndpointSlices and records when every Service has
// one. It posts {type:'ready'} once every stream has its response headers, and {type:'result'} when
// everything was seen or on {type:'stop'}.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { nowMs } from './api-lib.ts';

export interface WatchResult { services: Float64Array[]; endpoints: Float64Array[]; slices: number; slicesDoneAt: number; errors: number }
interface WatchData { base: string; ns: string; rv: string; count: number; watchers: number }
interface Event { type: string; object: { metadata?: { name?: string; labels?: Record<string, string> } } }

// openStream watches path and calls onEvent per line; it resolves once the response headers arrived.
function openStream(base: string, path: string, onEvent: (ev: Event) => void, streams: http.ClientRequest[]): Promise<void> {
  return new Promise((res, rej) => {
    const req = http.get(new URL(path, base), { agent: false, headers: { Accept: 'application/json' } }, (r) => {
      if (r.statusCode !== 200) { rej(new Error(`watch ${path}: HTTP ${r.statusCode}`)); return; }
      let buf = '';
      r.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as Event);
          nl = buf.indexOf('\n');
        }
      });
      r.on('error', () => {});
      res();
    });
    req.on('error', (e) => rej(e));
    streams.push(req);
  });
}

// indexOf maps svc-NNNNNN to NNNNNN (-1 for other names).
function indexOf(name: string | undefined): number {
  return name?.startsWith('svc-') ? Number(name.slice(4)) : -1;
}

async function main(port: NonNullable<typeof parentPort>, d: WatchData): Promise<void> {
  const result: WatchResult = { services: [], endpoints: [], slices: 0, slicesDoneAt: 0, errors: 0 };
  const streams: http.ClientRequest[] = [];
  let pending = 2 * d.watchers * d.count + 1;
  let posted = false;
  const finish = (): void => {
    if (posted) return;
    posted = true;
    for (const s of streams) s.destroy();
    const buffers = [...result.services, ...result.endpoints].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ type: 'result', result }, buffers);
    port.close();
  };
  const recorder = (seen: Float64Array) => (ev: Event): void => {
    if (ev.type === 'ERROR') { result.errors++; return; }
    const i = indexOf(ev.object.metadata?.name);
    if (i < 0 || i >= d.count || seen[i] !== 0) return;
    seen[i] = nowMs();
    if (--pending === 0) finish();
  };
  const sliceServices = new Set<string>();
  const onSlice = (ev: Event): void => {
    const svc = ev.object.metadata?.labels?.['kubernetes.io/service-name'];
    if (ev.type !== 'ADDED' || indexOf(svc) < 0 || sliceServices.has(svc ?? '')) return;
    sliceServices.add(svc ?? '');
    result.slices = sliceServices.size;
    if (result.slices === d.count) { result.slicesDoneAt = nowMs(); if (--pending === 0) finish(); }
  };
  const q = `?watch=1&resourceVersion=${d.rv}`;
  const opens: Promise<void>[] = [];
  for (let w = 0; w < d.watchers; w++) {
    const svc = new Float64Array(d.count);
    const ep = new Float64Array(d.count);
    result.services.push(svc);
    result.endpoints.push(ep);
    opens.push(openStream(d.base, `/api/v1/namespaces/${d.ns}/services${q}`, recorder(svc), streams));
    opens.push(openStream(d.base, `/api/v1/namespaces/${d.ns}/endpoints${q}`, recorder(ep), streams));
  }
  opens.push(openStream(d.base, `/apis/discovery.k8s.io/v1/namespaces/${d.ns}/endpointslices${q}`, onSlice, streams));
  await Promise.all(opens);
  port.on('message', (m: { type: string }) => { if (m.type === 'stop') finish(); });
  port.postMessage({ type: 'ready' });
}

if (parentPort) await main(parentPort, workerData as WatchData);
