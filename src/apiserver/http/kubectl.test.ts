// Drives the real kubectl (v1.32) against the API server over the fake registry: discovery, OpenAPI
// (server-side field validation), get with server-side printing, apply.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createApiServer } from '../index.ts';
import type { ApiServer } from '../index.ts';
import { FakeRegistry } from './fake-registry.ts';

const KUBECTL = '/usr/bin/kubectl';
const skip = !existsSync(KUBECTL) && 'kubectl not installed';
const run = promisify(execFile);
let server: ApiServer;
let dir: string;
const requests: string[] = [];

before(async () => {
  if (skip) return;
  server = await createApiServer({
    registry: new FakeRegistry(), host: '127.0.0.1', port: 0,
    logger: { info: (o: { method?: string; path?: string }) => { requests.push(`${o.method} ${o.path}`); }, error() {} },
  });
  dir = await mkdtemp(join(tmpdir(), 'portico-kubectl-'));
  await writeFile(join(dir, 'kubeconfig'), `apiVersion: v1\nkind: Config\nclusters: [{name: p, cluster: {server: "${server.url}"}}]\ncontexts: [{name: p, context: {cluster: p, user: u}}]\nusers: [{name: u, user: {}}]\ncurrent-context: p\n`);
  await writeFile(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
  await writeFile(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 80}]\n  typo: x\n');
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

test('kubectl get svc on an empty namespace', { skip }, async () => {
  const r = await kubectl('get', 'svc');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /No resources found in default namespace/);
  assert.ok(requests.some((x) => x.startsWith('GET /api/v1/namespaces/default/services')));
});

test('kubectl apply -f creates, then get shows it', { skip }, async () => {
  const r = await kubectl('apply', '-f', join(dir, 'svc.yaml'));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), 'service/web created');
  assert.ok(requests.some((x) => /^POST \/api\/v1\/namespaces\/default\/services\?.*fieldValidation=Strict/.test(x)), requests.join('\n'));
  const g = await kubectl('get', 'svc', 'web');
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^NAME\s+/);
  assert.match(g.out, /\nweb\s+/);
});

// kubectl 1.32 asks /api and /apis for aggregated discovery first; when served, it needs no per-group-
// version resource lists (one round trip per document saved on every cold-cache call).
test('kubectl discovers through aggregated discovery, without per-group-version requests', { skip }, async () => {
  requests.length = 0;
  const r = await run(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache-aggregated'), 'get', 'deploy,ing,endpointslices,ep', '-A'], { timeout: 20_000, env: { ...process.env, HOME: dir } });
  assert.match(r.stderr, /No resources found/);
  assert.deepEqual(requests.filter((x) => /^GET \/(api(\/[^/?]+)?|apis(\/[^/?]+){0,2})(\?|$)/.test(x)).map((x) => x.replace(/\?.*/, '')), ['GET /api', 'GET /apis']);
  for (const want of ['/apis/apps/v1/deployments', '/apis/networking.k8s.io/v1/ingresses', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/endpoints']) {
    assert.ok(requests.some((x) => x.startsWith(`GET ${want}?`)), `${want} in\n${requests.join('\n')}`);
  }
  const res = await kubectl('api-resources', '--api-group=apps');
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
});

test('kubectl apply of an unknown field is refused by the server', { skip }, async () => {
  const r = await kubectl('apply', '-f', join(dir, 'bad.yaml'));
  assert.notEqual(r.code, 0);
  assert.equal(r.err.trim(), `Error from server (BadRequest): error when creating "${join(dir, 'bad.yaml')}": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.typo"`);
});
