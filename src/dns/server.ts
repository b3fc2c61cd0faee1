// createDnsServer serves the cluster zone over UDP and TCP on one port: the plugin chain is
// kubernetes → cache → forward, answers come from the SnapshotRunner's current Snapshot, and the
// data path never reads the lookup. Malformed queries get FORMERR (or are dropped); nothing a client
// sends can throw out of a socket handler.
import dgram from 'node:dgram';
import net from 'node:net';
import { errorResponse, truncated } from './answer.ts';
import type { DnsLookup } from './lookup.ts';
import { MIN_UDP, parseQuery } from './message.ts';
import type { Query } from './message.ts';
import { DnsMetrics } from './metrics.ts';
import { chain } from './plugin.ts';
import type { DnsRequest, Handler, Plugin } from './plugin.ts';
import { cachePlugin } from './plugins/cache.ts';
import { Forwarder, upstreamsFromResolvConf } from './plugins/forward.ts';
import type { Upstream } from './plugins/forward.ts';
import { kubernetesPlugin } from './plugins/kubernetes.ts';
import { RCODE } from './records.ts';
import type { Snapshot } from './snapshot.ts';
import { SnapshotRunner } from './snapshot-runner.ts';
import { TcpConnection } from './tcp.ts';

export interface DnsServerOptions {
  lookup: DnsLookup;
  host?: string;                 // default 127.0.0.1
  port?: number;                 // default 10053; 0 picks a free port (the same for UDP and TCP)
  zone?: string;                 // default cluster.local
  ttl?: number;                  // seconds, every record and negative answer; default 5
  upstreams?: readonly Upstream[]; // default: nameservers of /etc/resolv.conf; [] disables forwarding
  forwardTimeoutMs?: number;     // default 2000
  cache?: { maxEntries?: number; maxTtl?: number } | false;
  metrics?: DnsMetrics;          // default: a DnsMetrics on its own registry
  tcpIdleMs?: number;            // default 10000
  minIntervalMs?: number;        // snapshot recompile spacing; default 20
  onError?: (err: unknown) => void;
  signal?: AbortSignal;          // aborting it closes the server
}

export interface DnsServer {
  address: { host: string; port: number };
  metrics: DnsMetrics;
  // snapshot is the Snapshot being served (undefined until the lookup syncs).
  snapshot(): Snapshot | undefined;
  // ready resolves once the first Snapshot is served.
  ready(): Promise<void>;
  close(): Promise<void>;
}

// createDnsServer validates the options, binds UDP and TCP, and resolves once both listen. Until the
// lookup syncs, names in the zone answer SERVFAIL; await ready() for the first Snapshot.
export async function createDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const zone = (o.zone ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
  const ttl = o.ttl ?? 5;
  if (!o.lookup) throw new TypeError('createDnsServer: lookup is required');
  if (!(Number.isInteger(ttl) && ttl >= 0)) throw new TypeError('createDnsServer: ttl must be a non-negative integer');
  if (zone === '' || !/^[a-z0-9.-]+$/.test(zone)) throw new TypeError(`createDnsServer: bad zone ${o.zone}`);
  const metrics = o.metrics ?? new DnsMetrics();
  const runner = new SnapshotRunner({ lookup: o.lookup, zone, ttl, minIntervalMs: o.minIntervalMs ?? 20, onError: o.onError ?? (() => {}) });
  const { handler, forwarder, ra } = buildChain(o, zone, runner, metrics);
  const serve = makeServe(handler, metrics, ra, o.onError);
  const host = o.host ?? '127.0.0.1';
  try {
    const { udp, tcp, port } = await bindBoth(host, o.port ?? 10053);
    const conns = new Set<TcpConnection>();
    const udpReply = (res: Buffer, to: dgram.RemoteInfo) => udp.send(res, to.port, to.address);
    udp.on('message', (msg, rinfo) => serve(msg, 'udp', rinfo, udpReply));
    udp.on('error', (err) => o.onError?.(err));
    tcp.on('connection', (sock) => {
      const c = new TcpConnection(sock, o.tcpIdleMs ?? 10_000, (msg, reply) => serve(msg, 'tcp', undefined, reply), () => conns.delete(c));
      conns.add(c);
    });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        runner.stop();
        forwarder?.close();
        for (const c of conns) c.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      })();
      return closing;
    };
    o.signal?.addEventListener('abort', () => { void close(); }, { once: true });
    return { address: { host, port }, metrics, snapshot: () => runner.current(), ready: () => runner.whenReady(), close };
  } catch (err) {
    runner.stop();
    forwarder?.close();
    throw err;
  }
}

const MAX_TCP = 0xffff;
// SOCKET_BUFFER is the UDP socket's receive and send buffer: room for thousands of queued queries, so a burst
// (or a GC pause) is absorbed instead of dropped. The kernel caps it at net.core.[rw]mem_max.
const SOCKET_BUFFER = 4 << 20;

// literalLookup is the UDP socket's address lookup. Replies go only to rinfo.address, an IP literal, so
// there is nothing to resolve; dgram's default lookup would still defer every send by a process.nextTick.
function literalLookup(family: 4 | 6): dgram.SocketOptions['lookup'] {
  const lookup = (address: string, _o: unknown, cb: (err: Error | null, address: string, family: number) => void) => cb(null, address, family);
  return lookup as dgram.SocketOptions['lookup'];
}

// buildChain assembles kubernetes → cache → forward (the last two only when there are upstreams).
function buildChain(o: DnsServerOptions, zone: string, runner: SnapshotRunner, metrics: DnsMetrics): { handler: Handler; forwarder: Forwarder | undefined; ra: boolean } {
  const upstreams = o.upstreams ?? upstreamsFromResolvConf();
  const forwarder = upstreams.length ? new Forwarder({ upstreams, timeoutMs: o.forwardTimeoutMs ?? 2000 }) : undefined;
  const ra = forwarder !== undefined;
  const plugins: Plugin[] = [kubernetesPlugin({ snapshot: () => runner.current(), zone, ra })];
  if (forwarder && o.cache !== false) plugins.push(cachePlugin({ ...(o.cache ?? {}), onHit: () => metrics.cacheHit(), onMiss: () => metrics.cacheMiss() }));
  if (forwarder) plugins.push(forwarder.plugin);
  const handler = chain(plugins, (req) => errorResponse(req.msg, RCODE.REFUSED, req.q, false));
  return { handler, forwarder, ra };
}

// Serve answers one query message; reply is called once (or never, for dropped input) with ctx.
type Serve = <C>(msg: Buffer, transport: 'udp' | 'tcp', ctx: C, reply: (res: Buffer, ctx: C) => void) => void;

// makeServe runs one query through the chain: parse, answer, enforce the UDP size (TC), count. The
// synchronous path (every zone answer) allocates no closures; only a Promise from the chain does.
function makeServe(handler: Handler, m: DnsMetrics, ra: boolean, onError?: (err: unknown) => void): Serve {
  const finish = <C>(msg: Buffer, q: Query, transport: 'udp' | 'tcp', t0: number, res: Buffer, ctx: C, reply: (res: Buffer, ctx: C) => void) => {
    const limit = transport === 'udp' ? (q.edns ? q.udpSize : MIN_UDP) : MAX_TCP;
    const out = res.length > limit ? truncated(msg, q, res) : res;
    m.response((out[3] ?? 0) & 0x0f);
    m.latency((performance.now() - t0) / 1000);
    reply(out, ctx);
  };
  return (msg, transport, ctx, reply) => {
    const t0 = performance.now();
    const q = parseQuery(msg);
    if (q === null) return;
    if (typeof q === 'number') { m.response(q); reply(errorResponse(msg, q, null, ra), ctx); return; }
    m.query(q.qtype);
    if (q.edns && q.ednsVersion > 0) { finish(msg, q, transport, t0, errorResponse(msg, RCODE.BADVERS, q, ra), ctx, reply); return; }
    let res: Buffer | Promise<Buffer>;
    try {
      res = handler({ msg, q, transport } satisfies DnsRequest);
    } catch (err) {
      onError?.(err);
      res = errorResponse(msg, RCODE.SERVFAIL, q, ra);
    }
    if (!(res instanceof Promise)) { finish(msg, q, transport, t0, res, ctx, reply); return; }
    res.then((b) => finish(msg, q, transport, t0, b, ctx, reply), (err: unknown) => {
      onError?.(err);
      finish(msg, q, transport, t0, errorResponse(msg, RCODE.SERVFAIL, q, ra), ctx, reply);
    });
  };
}

// bindBoth binds a UDP socket and a TCP server to the same host and port (retrying when port 0 gave
// the UDP socket a port that TCP cannot have).
export async function bindBoth(host: string, port: number): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const family = net.isIPv6(host) ? 6 : 4;
    const udp = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup(family),
      recvBufferSize: SOCKET_BUFFER, sendBufferSize: SOCKET_BUFFER });
    await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(port, host, () => { udp.off('error', reject); resolve(); }); });
    const bound = udp.address().port;
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen(bound, host, () => { tcp.off('error', reject); resolve(); }); });
      return { udp, tcp, port: bound };
    } catch (err) {
      udp.close();
      if (port !== 0 || attempt >= 10) throw err;
    }
  }
}

export type { Query };
