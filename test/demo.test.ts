// The README demo, as a newcomer runs it: `portico serve -f examples/`, then kubectl, curl and dig against
// it. Three echo pods become Ready; the echo ClusterIP and node port spread requests over all three; the
// cluster DNS answers the Service, SRV, PTR, headless and ExternalName names (and kube-dns's ClusterIP
// does, through the proxy, when port 53 may be bound) and sends only names outside the zone upstream;
// SIGTERM leaves no process and no listener behind. Addresses are random per run (service CIDR, pod CIDR,
// node IP, DNS port) so parallel test files never share one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { eventually, exec, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';

const [a = 0, b = 0, c = 0] = randomBytes(3);
const SERVICE_CIDR = `127.${112 + (a % 16)}.${(b % 16) * 16}.0/20`;
const KUBE_DNS_IP = `127.${112 + (a % 16)}.${(b % 16) * 16}.10`;
const POD_CIDR = `127.247.${c}.0/24`;
const NODE_IP = `127.248.${a}.${2 + (b % 250)}`;
const NODE_PORT = 30080;                       // examples/echo.yaml

let p: Portico;
let upstream: FakeUpstream;

describe('the README demo (serve -f examples/)', { timeout: 240_000 }, () => {
  before(async () => {
    upstream = await fakeUpstream();
    p = await startPortico({
      timeoutMs: 90_000,
      args: ['-f', 'examples/', '--service-cidr', SERVICE_CIDR, '--pod-cidr', POD_CIDR, '--node-ip', NODE_IP, '--dns-upstream', `127.0.0.1:${upstream.port}`],
    });
  });
  after(async () => { await upstream?.close(); });

  let pods: { name: string; ip: string }[] = [];
  let clusterIP = '';

  test('three echo pods become Ready', { timeout: 120_000 }, async () => {
    pods = await eventually(async () => {
      const r = await p.kubectl(['get', 'pods', '-l', 'app=echo', '-o', 'json']);
      const items = (JSON.parse(r.stdout) as { items: PodJson[] }).items;
      const ready = items.filter((i) => i.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
      return ready.length === 3 && ready.map((i) => ({ name: i.metadata.name, ip: i.status?.podIP ?? '' }));
    }, 110_000, 500);
    for (const pod of pods) assert.ok(inCidr(pod.ip, POD_CIDR), `${pod.ip} is in the pod CIDR`);
    clusterIP = (await p.kubectl(['get', 'svc', 'echo', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    assert.ok(inCidr(clusterIP, SERVICE_CIDR), `clusterIP ${clusterIP} is in the service CIDR`);
  });

  test('curl to the ClusterIP reaches all three pods, round robin', { timeout: 60_000 }, async () => {
    const counts = await eventually(async () => {
      const seen = await curlMany(`http://${clusterIP}:8080/`, 12);
      return seen.size === 3 && [...seen.values()].every((n) => n >= 2) && seen;
    }, 50_000, 250);
    assert.deepEqual([...counts.keys()].sort(), pods.map((x) => x.name).sort());
  });

  test('the node port answers on the node address', { timeout: 60_000 }, async () => {
    const seen = await eventually(async () => {
      const s = await curlMany(`http://${NODE_IP}:${NODE_PORT}/`, 6);
      return s.size >= 2 && s;
    }, 50_000, 250);
    for (const name of seen.keys()) assert.ok(pods.some((x) => x.name === name), `${name} is an echo pod`);
  });

  test('the Ingress routes echo.localhost to the pods, rewrites /api/..., and 404s other hosts', { timeout: 60_000 }, async () => {
    const port = p.ingress?.http ?? 0;
    assert.ok(port > 0, 'serve printed its Ingress port');
    const base = `http://127.0.0.1:${port}`;
    const seen = await eventually(async () => {
      const s = await curlMany(`${base}/hello`, 9, ['-H', 'Host: echo.localhost']);
      return s.size === 3 && s;
    }, 50_000, 250);
    assert.deepEqual([...seen.keys()].sort(), pods.map((x) => x.name).sort());
    const api = await exec('curl', ['-sS', '--max-time', '5', '-H', 'Host: echo.localhost', `${base}/api/x/y?q=1`]);
    assert.match(api.stdout, /^pod \S+ \(\S+\) answered GET \/x\/y\?q=1\n$/);
    const other = await exec('curl', ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: nope.localhost', `${base}/`]);
    assert.equal(other.stdout, '404');
    const ing = JSON.parse((await p.kubectl(['get', 'ingress', 'echo', '-o', 'json'])).stdout) as { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } };
    assert.equal(ing.status?.loadBalancer?.ingress?.[0]?.ip, NODE_IP);
  });

  test('DNS answers the Service, SRV, PTR, headless and ExternalName names', { timeout: 60_000 }, async () => {
    const dig = (...args: string[]) => digShort(p, args);
    assert.deepEqual(await dig('echo.default.svc.cluster.local'), [clusterIP]);
    assert.deepEqual(await dig('+tcp', 'echo.default.svc.cluster.local'), [clusterIP]);
    assert.deepEqual(await dig('_http._tcp.echo.default.svc.cluster.local', 'SRV'), [`0 100 8080 echo.default.svc.cluster.local.`]);
    assert.deepEqual(await dig('-x', clusterIP), ['echo.default.svc.cluster.local.']);
    assert.deepEqual((await dig('echo-pods.default.svc.cluster.local')).sort(), pods.map((x) => x.ip).sort());
    assert.deepEqual(await dig('www.default.svc.cluster.local'), ['echo.default.svc.cluster.local.', clusterIP]);
    assert.deepEqual(await dig('kube-dns.kube-system.svc.cluster.local'), [KUBE_DNS_IP]);
  });

  test('only names outside the cluster zone go upstream', { timeout: 60_000 }, async () => {
    const before = upstream.names.length;
    assert.deepEqual(await digShort(p, ['outside.example.test']), ['127.0.0.77']);
    const r = await exec('dig', ['@' + (p.dns?.host ?? ''), '-p', String(p.dns?.port), 'missing.default.svc.cluster.local', '+tries=1', '+time=5']);
    assert.match(r.stdout, /status: NXDOMAIN/);
    assert.deepEqual(upstream.names.slice(before), ['outside.example.test']);
  });

  test('kube-dns: .10 of the service CIDR, selector-less, Endpoints at the DNS server', { timeout: 60_000 }, async () => {
    const svc = JSON.parse((await p.kubectl(['get', 'svc', 'kube-dns', '-n', 'kube-system', '-o', 'json'])).stdout) as ServiceJson;
    assert.equal(svc.spec.clusterIP, KUBE_DNS_IP);
    assert.equal(svc.spec.selector, undefined);
    assert.deepEqual(svc.spec.ports.map((x) => `${x.name}/${x.port}/${x.protocol}`), ['dns/53/UDP', 'dns-tcp/53/TCP', 'metrics/9153/TCP']);
    const ep = (await p.kubectl(['get', 'endpoints', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}'])).stdout;
    assert.equal(ep, `${p.dns?.host}:${p.dns?.port}`);
    if (process.getuid?.() === 0) {
      // Port 53 may be bound: the proxy forwards <.10>:53 (UDP and TCP) to the DNS server.
      const viaProxy = await eventually(async () => {
        const r = await exec('dig', ['@' + KUBE_DNS_IP, 'echo.default.svc.cluster.local', '+short', '+tries=1', '+time=2']);
        return r.stdout.trim() === clusterIP && r.stdout.trim();
      }, 30_000, 250);
      assert.equal(viaProxy, clusterIP);
      const tcp = await exec('dig', ['@' + KUBE_DNS_IP, '+tcp', 'echo.default.svc.cluster.local', '+short', '+tries=1', '+time=5']);
      assert.equal(tcp.stdout.trim(), clusterIP);
    } else {
      const ev = await eventually(async () => {
        const r = await p.kubectl(['get', 'events', '-n', 'kube-system', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']);
        return /ListenFailed cannot listen on UDP .*:53 .*EACCES/.test(r.stdout) && r.stdout;
      }, 30_000, 250);
      assert.ok(ev);
    }
  });

  test('SIGTERM stops serve: exit 0, no process and no listener left', { timeout: 60_000 }, async () => {
    const family = descendants(p.pid);
    assert.ok(family.length >= 3, `the three pods run under serve (found ${family.length} processes)`);
    assert.equal(await p.stop('SIGTERM'), 0);
    const deadline = Date.now() + 10_000;
    while (family.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(family.filter(isAlive), [], 'no process of the serve tree is left');
    const tcpAddrs = [[clusterIP, 8080], [NODE_IP, NODE_PORT], [p.dns?.host ?? '', p.dns?.port ?? 0], ...pods.map((x) => [x.ip, 8080])] as [string, number][];
    if (process.getuid?.() === 0) tcpAddrs.push([KUBE_DNS_IP, 53]);
    for (const [host, port] of tcpAddrs) assert.equal(await canListen(host, port), true, `TCP ${host}:${port} was released`);
    assert.equal(await canBindUdp(p.dns?.host ?? '', p.dns?.port ?? 0), true, 'the DNS UDP port was released');
    if (process.getuid?.() === 0) assert.equal(await canBindUdp(KUBE_DNS_IP, 53), true, 'the kube-dns UDP listener was released');
  });
});

interface PodJson { metadata: { name: string }; status?: { podIP?: string; conditions?: { type: string; status: string }[] } }
interface ServiceJson { spec: { clusterIP: string; selector?: unknown; ports: { name: string; port: number; protocol: string }[] } }

// curlMany makes n requests in one curl run, each on a new connection, and counts answers by pod name.
async function curlMany(url: string, n: number, extra: string[] = []): Promise<Map<string, number>> {
  const r = await exec('curl', ['-sS', '--max-time', '5', '-H', 'Connection: close', ...extra, ...Array.from({ length: n }, () => url)]);
  const seen = new Map<string, number>();
  for (const m of r.stdout.matchAll(/^pod (\S+) \(/gm)) seen.set(m[1] ?? '', (seen.get(m[1] ?? '') ?? 0) + 1);
  return seen;
}

async function digShort(p: Portico, args: string[]): Promise<string[]> {
  const r = await exec('dig', ['@' + (p.dns?.host ?? ''), '-p', String(p.dns?.port), ...args, '+short', '+tries=1', '+time=5']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '0'] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const size = 2 ** (32 - Number(bits));
  return net.isIPv4(ip) && Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

// descendants lists every process below pid (pods, their watcher shells), from /proc.
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch { /* it exited meanwhile */ }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) for (const c of children.get(todo.pop() ?? 0) ?? []) { out.push(c); todo.push(c); }
  return out;
}

// isAlive: the process exists and is not a zombie waiting for a reaper.
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch { return false; }
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function canBindUdp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

interface FakeUpstream { port: number; names: string[]; close(): Promise<void> }

// fakeUpstream is a resolver on 127.0.0.1 that answers every A question with 127.0.0.77 (other types:
// no records) and records the names it was asked. Its wire format is written by hand: one question.
async function fakeUpstream(): Promise<FakeUpstream> {
  const sock = dgram.createSocket('udp4');
  const names: string[] = [];
  sock.on('message', (msg, rinfo) => {
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) { const n = msg[i] ?? 0; labels.push(msg.toString('latin1', i + 1, i + 1 + n)); i += n + 1; }
    const qEnd = i + 5;
    if (qEnd > msg.length) return;
    names.push(labels.join('.').toLowerCase());
    const isA = msg.readUInt16BE(i + 1) === 1;
    const header = Buffer.from([msg[0] ?? 0, msg[1] ?? 0, 0x81, 0x80, 0, 1, 0, isA ? 1 : 0, 0, 0, 0, 0]);
    const answer = isA ? Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 127, 0, 0, 77]) : Buffer.alloc(0);
    sock.send(Buffer.concat([header, msg.subarray(12, qEnd), answer]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return { port: sock.address().port, names, close: () => new Promise((resolve) => sock.close(() => resolve())) };
}
