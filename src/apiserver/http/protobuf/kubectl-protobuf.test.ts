// Drives the real kubectl (v1.32) against the API server over the real registry for the commands that
// send protobuf: typed `kubectl create ...` (request bodies in application/vnd.kubernetes.protobuf) and
// `kubectl apply` of an unknown kind (the OpenAPI v2 document as gnostic protobuf).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { MemoryStore } from '../../../store/index.ts';
import { createApiServer } from '../../index.ts';
import type { ApiServer } from '../../index.ts';
import { createRegistry } from '../../registry/index.ts';

const KUBECTL = '/usr/bin/kubectl';
const OPENSSL = '/usr/bin/openssl';
const skip = !existsSync(KUBECTL) && 'kubectl not installed';
const run = promisify(execFile);
let server: ApiServer;
let dir: string;
const posts: { path: string; contentType: string; code: number }[] = [];
const openapiV2Accepts: string[] = [];

interface RequestLog { method?: string; path?: string; accept?: string; contentType?: string; code?: number }

function record(o: RequestLog): void {
  if (o.method === 'POST') posts.push({ path: o.path ?? '', contentType: o.contentType ?? '', code: o.code ?? 0 });
  if (o.method === 'GET' && (o.path ?? '').split('?')[0] === '/openapi/v2' && o.code === 200) openapiV2Accepts.push(o.accept ?? '');
}

before(async () => {
  if (skip) return;
  const registry = await createRegistry({ store: new MemoryStore(), serviceCIDR: '127.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } });
  server = await createApiServer({
    registry, host: '127.0.0.1', port: 0,
    logger: { info: record, error() {} },
  });
  dir = await mkdtemp(join(tmpdir(), 'portico-kubectl-pb-'));
  await writeFile(join(dir, 'kubeconfig'), `apiVersion: v1\nkind: Config\nclusters: [{name: p, cluster: {server: "${server.url}", insecure-skip-tls-verify: true}}]\ncontexts: [{name: p, context: {cluster: p, user: u}}]\nusers: [{name: u, user: {}}]\ncurrent-context: p\n`);
  await writeFile(join(dir, 'helmrelease.yaml'), 'apiVersion: flux.weave.works/v1beta1\nkind: HelmRelease\nmetadata:\n  name: nginx-ingress\n  namespace: default\nspec:\n  releaseName: nginx-ingress\n');
  assert.equal((await kubectl('create', 'namespace', 'default')).code, 0);
});
after(async () => {
  if (skip) return;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], { timeout: 20_000, env: { ...process.env, HOME: dir } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

async function getJson(...args: string[]): Promise<Record<string, unknown>> {
  const r = await kubectl('get', ...args, '-o', 'json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Record<string, unknown>;
}

const creates = [
  { args: ['namespace', 'foo'], out: 'namespace/foo created', get: ['namespace', 'foo'], want: { metadata: { name: 'foo' } } },
  { args: ['configmap', 'x', '--from-literal=a=b'], out: 'configmap/x created', get: ['configmap', 'x'], want: { data: { a: 'b' } } },
  { args: ['secret', 'generic', 's', '--from-literal=a=b'], out: 'secret/s created', get: ['secret', 's'], want: { data: { a: 'Yg==' }, type: 'Opaque' } },
  { args: ['service', 'clusterip', 'c1', '--tcp=80:8080'], out: 'service/c1 created', get: ['service', 'c1'], want: { spec: { type: 'ClusterIP', ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }] } } },
  { args: ['service', 'nodeport', 'n1', '--tcp=80:8080', '--node-port=30080'], out: 'service/n1 created', get: ['service', 'n1'], want: { spec: { type: 'NodePort', ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }] } } },
  { args: ['service', 'loadbalancer', 'l1', '--tcp=443:8443'], out: 'service/l1 created', get: ['service', 'l1'], want: { spec: { type: 'LoadBalancer' } } },
  { args: ['service', 'externalname', 'e1', '--external-name=example.com'], out: 'service/e1 created', get: ['service', 'e1'], want: { spec: { type: 'ExternalName', externalName: 'example.com' } } },
  { args: ['deployment', 'd1', '--image=nginx', '--port=80', '--replicas=0'], out: 'deployment.apps/d1 created', get: ['deployment', 'd1'], want: { spec: { replicas: 0 } } },
  { args: ['ingress', 'i1', '--rule=foo.com/bar=svc1:8080', '--class=nginx'], out: 'ingress.networking.k8s.io/i1 created', get: ['ingress', 'i1'], want: { spec: { ingressClassName: 'nginx', rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } }] } } },
];

// subset reports whether every key of want is in got with a matching value (arrays element by element).
function subset(got: unknown, want: unknown): boolean {
  if (typeof want !== 'object' || want === null) return got === want;
  if (typeof got !== 'object' || got === null) return false;
  return Object.entries(want).every(([k, v]) => subset((got as Record<string, unknown>)[k], v));
}

for (const c of creates) {
  test(`kubectl create ${c.args.join(' ')} (protobuf body)`, { skip }, async () => {
    const before = posts.length;
    const r = await kubectl('create', ...c.args);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim(), c.out);
    const post = posts.slice(before).find((p) => p.code === 201);
    assert.equal(post?.contentType, 'application/vnd.kubernetes.protobuf');
    const got = await getJson(...c.get);
    assert.ok(subset(got, c.want), `${JSON.stringify(got)}\nwant ⊇ ${JSON.stringify(c.want)}`);
  });
}

test('kubectl create service nodeport: a nodePort outside the range is refused with the field named', { skip }, async () => {
  const r = await kubectl('create', 'service', 'nodeport', 'bad', '--tcp=80:8080', '--node-port=8000');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /spec\.ports\[0\]\.nodePort/);
});

test('kubectl create secret tls (protobuf body)', { skip: skip || (!existsSync(OPENSSL) && 'openssl not installed') }, async () => {
  const [key, cert] = [join(dir, 'tls.key'), join(dir, 'tls.crt')];
  await run(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=portico.test'], { timeout: 20_000 });
  const r = await kubectl('create', 'secret', 'tls', 't1', `--cert=${cert}`, `--key=${key}`);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), 'secret/t1 created');
  const got = await getJson('secret', 't1');
  assert.equal(got.type, 'kubernetes.io/tls');
  assert.deepEqual(Object.keys(got.data as object).sort(), ['tls.crt', 'tls.key']);
});

test('kubectl apply of an unknown kind gets the "no matches for kind" error (OpenAPI v2 as protobuf)', { skip }, async () => {
  const file = join(dir, 'helmrelease.yaml');
  const r = await kubectl('apply', '-f', file);
  assert.notEqual(r.code, 0);
  assert.ok(openapiV2Accepts.some((a) => a.startsWith('application/com.github.proto-openapi.spec.v2')), openapiV2Accepts.join('\n'));
  assert.equal(r.err.trim(), `error: resource mapping not found for name: "nginx-ingress" namespace: "default" from "${file}": no matches for kind "HelmRelease" in version "flux.weave.works/v1beta1"\nensure CRDs are installed first`);
});
