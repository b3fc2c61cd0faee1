// The `portico` CLI against a running server: kubectl's output shapes, and error lines that name the
// file, the object and the field.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, startPortico, tempDir } from './harness.ts';
import type { Portico } from './harness.ts';

const FIX = 'test/fixtures/cli';

describe('portico CLI', { timeout: 180_000 }, () => {
  let p: Portico;
  before(async () => { p = await startPortico(); });
  const cli = (...args: string[]) => p.portico(['--kubeconfig', p.kubeconfig, ...args]);

  test('version', async () => {
    const r = await p.portico(['version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^portico version \d+\.\d+\.\d+/);
  });

  test('apply: created, then unchanged, then configured', async () => {
    const steps = [
      { args: ['apply', '-f', `${FIX}/good.yaml`], want: 'service/nginx created\nconfigmap/settings created\n' },
      { args: ['apply', '-f', `${FIX}/good.yaml`], want: 'service/nginx unchanged\nconfigmap/settings unchanged\n' },
    ];
    for (const s of steps) {
      const r = await cli(...s.args);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, s.want);
    }
    const changed = readFileSync(join(ROOT, FIX, 'good.yaml'), 'utf8').replace('mode: demo', 'mode: prod');
    const r2 = await p.portico(['--kubeconfig', p.kubeconfig, 'apply', '-f', '-'], { stdin: changed });
    assert.equal(r2.stdout, 'service/nginx unchanged\nconfigmap/settings configured\n', r2.stderr);
    // kubectl agrees with the annotation portico wrote.
    const k = await p.kubectl(['apply', '-f', '-'], { stdin: changed });
    assert.equal(k.stdout, 'service/nginx unchanged\nconfigmap/settings unchanged\n', k.stderr);
  });

  test('apply drops a removed port and keeps the other\'s nodePort', async () => {
    const two = 'apiVersion: v1\nkind: Service\nmetadata: {name: two}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports:\n  - {name: a, port: 80}\n  - {name: b, port: 81}\n';
    const one = two.replace('  - {name: b, port: 81}\n', '');
    const ports = async () => JSON.parse((await p.kubectl(['get', 'svc', 'two', '-o', 'jsonpath={.spec.ports}'])).stdout) as { name: string; nodePort: number }[];
    assert.equal((await p.portico(['--kubeconfig', p.kubeconfig, 'apply', '-f', '-'], { stdin: two })).stdout, 'service/two created\n');
    const before = await ports();
    assert.equal((await p.portico(['--kubeconfig', p.kubeconfig, 'apply', '-f', '-'], { stdin: one })).stdout, 'service/two configured\n');
    const after = await ports();
    assert.deepEqual(after.map((x) => [x.name, x.nodePort]), [['a', before[0]?.nodePort]]);
    assert.equal((await p.kubectl(['apply', '-f', '-'], { stdin: one })).stdout, 'service/two unchanged\n');
    assert.equal((await p.kubectl(['delete', 'svc', 'two'])).code, 0);
  });

  test('apply adopts an object created without the annotation, with kubectl\'s warning', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: adopted\ndata:\n  a: "1"\n';
    assert.equal((await p.kubectl(['create', '-f', '-'], { stdin: cm })).code, 0);
    const r = await p.portico(['--kubeconfig', p.kubeconfig, 'apply', '-f', '-'], { stdin: cm });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^Warning: resource configmaps\/adopted is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/);
    assert.equal(r.stdout, 'configmap/adopted configured\n');
    const again = await p.portico(['--kubeconfig', p.kubeconfig, 'apply', '-f', '-'], { stdin: cm });
    assert.deepEqual([again.stdout, again.stderr], ['configmap/adopted unchanged\n', '']);
    assert.equal((await p.kubectl(['delete', 'cm', 'adopted'])).code, 0);
  });

  test('get: table, several types, -o name/yaml, -A', async () => {
    const t = await cli('get', 'svc', 'nginx');
    assert.match(t.stdout, /^NAME    TYPE        CLUSTER-IP\s+EXTERNAL-IP   PORT\(S\)   AGE\nnginx   ClusterIP   127\.\d+\.\d+\.\d+\s+<none>        80\/TCP    \d+s\n$/);
    const multi = await cli('get', 'svc,cm');
    assert.match(multi.stdout, /^NAME\s+TYPE.*\nservice\/kubernetes\s+.*\nservice\/nginx\s+.*\n\nNAME\s+DATA\s+AGE\nconfigmap\/settings\s+1\s+\S+\n$/);
    assert.equal((await cli('get', 'svc', '-l', 'app=nginx', '-o', 'name')).stdout, 'service/nginx\n');
    const y = parse((await cli('get', 'svc/nginx', '-o', 'yaml')).stdout);
    assert.equal(y.metadata.name, 'nginx');
    const all = await cli('get', 'ns');
    assert.match(all.stdout, /^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(all.stdout, new RegExp(`^${ns}\\s+Active`, 'm'));
    const everywhere = await cli('get', 'svc', '-A');
    assert.match(everywhere.stdout, /^NAMESPACE\s+NAME\s+TYPE/);
    const nodes = await cli('get', 'nodes');
    assert.match(nodes.stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nportico-test\s+Ready\s+/);
  });

  test('get: missing object and empty namespace', async () => {
    const r = await cli('get', 'svc', 'nope');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): services "nope" not found\n');
    const e = await cli('get', 'svc', '-n', 'kube-public');
    assert.equal(e.stderr, 'No resources found in kube-public namespace.\n');
    const u = await cli('get', 'gadgets');
    assert.equal(u.stderr, 'error: the server doesn\'t have a resource type "gadgets"\n');
  });

  test('describe', async () => {
    const r = await cli('describe', 'svc', 'nginx');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+nginx\nNamespace:\s+default\nLabels:\s+app=nginx\nAnnotations:\s+<none>\nSelector:\s+app=nginx\nType:\s+ClusterIP\n/);
    assert.match(r.stdout, /^Port:\s+http  80\/TCP\nTargetPort:\s+8080\/TCP\n/m);
  });

  // Byte for byte what kubectl prints (ages normalized: the two commands run a moment apart).
  const sameAsKubectl = [
    ['get', 'svc'], ['get', 'svc,ep', '-A'], ['get', 'ns'], ['get', 'nodes'], ['get', 'nodes', '-o', 'wide'], ['get', 'all'],
    ['get', 'svc', 'nginx', '-o', 'yaml'], ['get', 'svc', '-o', 'json'], ['get', 'svc/nginx', 'ep/nginx', '-o', 'yaml'], ['get', 'svc', '-o', 'name'],
    ['describe', 'svc', 'nginx'], ['describe', 'svc', 'kubernetes'], ['describe', 'ep', 'kubernetes'],
  ];
  for (const args of sameAsKubectl) {
    test(`same output as kubectl: ${args.join(' ')}`, async () => {
      // An age is one token; its column is as wide as the longest, so the spaces after it are dropped too.
      const age = (t: string) => t.replace(/\b\d+(s|m\d*s?|h\d*m?|d\d*h?)\b */g, 'AGE ');
      const [k, pc] = await Promise.all([p.kubectl(args), cli(...args)]);
      assert.equal(k.code, 0, k.stderr);
      assert.equal(age(pc.stdout), age(k.stdout));
      assert.equal(pc.stderr, k.stderr);
    });
  }

  const errors = [
    { desc: 'invalid port names file, object and field', file: `${FIX}/bad-port.yaml`, want: `error: ${FIX}/bad-port.yaml: Service "x": spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n` +
      `error: ${FIX}/bad-port.yaml: Service "x": spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n` },
    { desc: 'YAML error names file and line', file: `${FIX}/bad-yaml.yaml`, want: /^error: error parsing test\/fixtures\/cli\/bad-yaml\.yaml: yaml: line 8: / },
    { desc: 'missing file', file: `${FIX}/none.yaml`, want: `error: the path "${FIX}/none.yaml" does not exist\n` },
  ];
  for (const c of errors) {
    test(`apply error: ${c.desc}`, async () => {
      const r = await cli('apply', '-f', c.file);
      assert.equal(r.code, 1);
      if (typeof c.want === 'string') assert.equal(r.stderr, c.want); else assert.match(r.stderr, c.want);
      assert.equal(r.stdout, '');
    });
  }

  test('delete by name and by file', async () => {
    const r = await cli('delete', 'cm', 'settings');
    assert.equal(r.stdout, 'configmap "settings" deleted\n', r.stderr);
    const f = await cli('delete', '-f', `${FIX}/good.yaml`);
    assert.equal(f.stdout, 'service "nginx" deleted\n');
    assert.match(f.stderr, /configmaps "settings" not found/);
    assert.equal(f.code, 1);
  });

  test('serve on a taken address fails with one line and exit code 1', async () => {
    const r = await p.portico(['serve', '--api-addr', `127.0.0.1:${p.port}`, '--data-dir', tempDir()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${p.port}: address already in use$`, 'm'));
  });

  test('serve flags are validated', async () => {
    const r = await p.portico(['serve', '--node-port-range', '3-1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: invalid --node-port-range "3-1": want LOW-HIGH within 1-65535\n');
  });
});
