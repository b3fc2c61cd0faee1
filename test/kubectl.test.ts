// The kubectl workflows a Kubernetes user expects, with the real kubectl against `portico serve`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { KUBECTL, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';

const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

describe('kubectl against portico', { timeout: 120_000 }, () => {
  let p: Portico;
  before(async () => { p = await startPortico(); });

  test('create -f, then again is AlreadyExists', async () => {
    const r = await p.kubectl(['create', '-f', '-'], { stdin: WEB.replace('name: web\n', 'name: made-f\n') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'service/made-f created\n');
    const again = await p.kubectl(['create', '-f', '-'], { stdin: WEB.replace('name: web\n', 'name: made-f\n') });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": services "made-f" already exists/);
  });

  // kubectl's generators (create service/namespace/configmap) send protobuf bodies.
  test('create service clusterip (a protobuf body)', async () => {
    const r = await p.kubectl(['create', 'service', 'clusterip', 'made', '--tcp=80:8080']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'service/made created\n');
    const again = await p.kubectl(['create', 'service', 'clusterip', 'made', '--tcp=80:8080']);
    assert.equal(again.code, 1);
    // kubectl's generator wraps the server's Status message this way on a real cluster too.
    assert.match(again.stderr, /^error: failed to create ClusterIP service: services "made" already exists$/m);
  });

  test('apply: created, unchanged, configured', async () => {
    const steps = [
      { desc: 'first', manifest: WEB, want: 'service/web created\n' },
      { desc: 'same again', manifest: WEB, want: 'service/web unchanged\n' },
      { desc: 'changed port', manifest: WEB.replace('port: 80', 'port: 81'), want: 'service/web configured\n' },
    ];
    for (const s of steps) {
      const r = await p.kubectl(['apply', '-f', '-'], { stdin: s.manifest });
      assert.equal(r.code, 0, `${s.desc}: ${r.stderr}`);
      assert.equal(r.stdout, s.want, s.desc);
    }
    const svc = parse((await p.kubectl(['get', 'svc', 'web', '-o', 'yaml'])).stdout);
    assert.equal(svc.spec.ports[0].port, 81);
    assert.ok(svc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'].includes('"port":81'));
  });

  test('get: table, wide, yaml, json, name', async () => {
    const table = await p.kubectl(['get', 'svc', 'web']);
    assert.match(table.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nweb\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+81\/TCP\s+\d+s\n$/);
    const wide = await p.kubectl(['get', 'svc', 'web', '-o', 'wide']);
    assert.match(wide.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n.*app=web\n$/);
    const y = parse((await p.kubectl(['get', 'svc', 'web', '-o', 'yaml'])).stdout);
    assert.equal(y.kind, 'Service');
    assert.equal(y.spec.ports[0].targetPort, 8080);
    const j = JSON.parse((await p.kubectl(['get', 'svc', '-o', 'json'])).stdout);
    assert.equal(j.kind, 'List');
    assert.ok(j.items.some((s: { metadata: { name: string } }) => s.metadata.name === 'web'));
    // made-f (created above from the same manifest) carries the label too.
    assert.equal((await p.kubectl(['get', 'svc', '-l', 'app=web', '-o', 'name'])).stdout, 'service/made-f\nservice/web\n');
    assert.equal((await p.kubectl(['get', 'svc', '-l', 'app=web,app!=nope', '--field-selector', 'metadata.name=web', '-o', 'name'])).stdout, 'service/web\n');
  });

  test('get -w sees a change', async () => {
    const w = spawn(KUBECTL, ['--kubeconfig', p.kubeconfig, 'get', 'svc', 'web', '-w', '-o', 'json', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let labeled = false;
      const seen = new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`watch saw: ${out}`)), 10_000);
        w.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (/"type": ?"MODIFIED"/.test(out)) { clearTimeout(t); res(); }
          else if (/"type": ?"ADDED"/.test(out) && !labeled) { labeled = true; void p.kubectl(['label', 'svc', 'web', 'watched=yes']); }
        });
      });
      await seen;
      assert.match(out, /"type": ?"MODIFIED",\s*"object": ?\{.*"watched": ?"yes"/s);
    } finally {
      w.kill('SIGKILL');
    }
  });

  test('describe', async () => {
    const r = await p.kubectl(['describe', 'svc', 'web']);
    assert.equal(r.code, 0, r.stderr);
    for (const re of [/^Name:\s+web$/m, /^Namespace:\s+default$/m, /^Selector:\s+app=web$/m, /^Type:\s+ClusterIP$/m, /^Port:\s+http\s+81\/TCP$/m, /^TargetPort:\s+8080\/TCP$/m]) {
      assert.match(r.stdout, re);
    }
  });

  test('label, then select by it', async () => {
    const r = await p.kubectl(['label', 'svc', 'web', 'tier=front']);
    assert.equal(r.stdout, 'service/web labeled\n', r.stderr);
    assert.equal((await p.kubectl(['get', 'svc', '-l', 'tier=front', '-o', 'name'])).stdout, 'service/web\n');
    assert.equal((await p.kubectl(['get', 'svc', '-l', 'tier!=front', '-o', 'name'])).stdout.includes('service/web'), false);
  });

  test('expose a Service', async () => {
    const r = await p.kubectl(['expose', 'svc', 'web', '--name', 'web2', '--port', '90', '--target-port', '8080']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'service/web2 exposed\n');
    const y = parse((await p.kubectl(['get', 'svc', 'web2', '-o', 'yaml'])).stdout);
    assert.deepEqual(y.spec.selector, { app: 'web' });
    assert.equal(y.spec.ports[0].port, 90);
  });

  test('edit through replace', async () => {
    const y = await p.kubectl(['get', 'svc', 'web2', '-o', 'yaml']);
    const edited = y.stdout.replace('port: 90', 'port: 91');
    const r = await p.kubectl(['replace', '-f', '-'], { stdin: edited });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'service/web2 replaced\n');
    const stale = await p.kubectl(['replace', '-f', '-'], { stdin: edited.replace('port: 91', 'port: 92') });
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /Conflict/);
  });

  const invalid = [
    { desc: 'bad name', manifest: WEB.replace('name: web\n', 'name: Web_1\n'), want: /metadata\.name: Invalid value: "Web_1"/ },
    { desc: 'duplicate ports', manifest: WEB.replace('name: web\n', 'name: dup\n') + '  - name: http\n    port: 80\n', want: /spec\.ports\[1\]\.name: Duplicate value: "http"/ },
    { desc: 'port 0', manifest: WEB.replace('name: web\n', 'name: zero\n').replace('port: 80', 'port: 0'), want: /spec\.ports\[0\]\.port: (Invalid value: 0: must be between 1 and 65535, inclusive|Required value)/ },
    { desc: 'nodePort out of range', manifest: WEB.replace('name: web\n', 'name: np\n').replace('spec:\n', 'spec:\n  type: NodePort\n').replace('targetPort: 8080', 'targetPort: 8080\n    nodePort: 80'), want: /spec\.ports\[0\]\.nodePort: Invalid value: 80: provided port is not in the valid range/ },
    { desc: 'unknown field', manifest: WEB.replace('name: web\n', 'name: unk\n').replace('spec:\n', 'spec:\n  colour: red\n'), want: /unknown field "spec\.colour"/ },
    { desc: 'unknown kind', manifest: 'apiVersion: v1\nkind: Gadget\nmetadata:\n  name: g\n', want: /no matches for kind "Gadget" in version "v1"/ },
  ];
  for (const c of invalid) {
    test(`invalid manifest: ${c.desc}`, async () => {
      const r = await p.kubectl(['apply', '-f', '-'], { stdin: c.manifest });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, c.want);
    });
  }

  test('changing clusterIP is refused', async () => {
    const r = await p.kubectl(['patch', 'svc', 'web', '-p', '{"spec":{"clusterIP":"127.96.0.77","clusterIPs":["127.96.0.77"]}}']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spec\.clusterIPs?(\[0\])?: Invalid value: .*(field is immutable|may not change once set)/);
  });

  test('delete', async () => {
    const r = await p.kubectl(['delete', 'svc', 'web', 'web2']);
    assert.equal(r.stdout, 'service "web" deleted\nservice "web2" deleted\n', r.stderr);
    const g = await p.kubectl(['get', 'svc', 'web']);
    assert.match(g.stderr, /Error from server \(NotFound\): services "web" not found/);
  });
});
