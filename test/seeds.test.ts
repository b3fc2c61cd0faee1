// Acceptance: every YAML of the seed documents, through the real kubectl against a fresh `portico serve`.
// test/fixtures/seeds/ holds the snippets verbatim (several do not even parse: kubectl refuses them
// client-side, as it would against any cluster); test/fixtures/seeds-fixed/ holds the same snippets with
// only their indentation repaired, so the mistakes they carry reach the server.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { join } from 'node:path';
import { ROOT, eventually, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';

const SEEDS = join(ROOT, 'test/fixtures/seeds');
const FIXED = join(ROOT, 'test/fixtures/seeds-fixed');

interface Case {
  desc: string;
  file: string;
  want: 'created' | RegExp;                         // kubectl's stdout line, or its error
  stored?: { type: string; name: string };          // what `kubectl get` must find (created) or not (refused)
  ownNamespace?: false;                             // the manifest names its namespace
}

const PARSE_ERROR = /error parsing .*error converting YAML to JSON: yaml: line \d+: did not find expected/;

const cases: Case[] = [
  { desc: 'Service my-service (000)', file: `${SEEDS}/000-L073-service.yaml`, want: 'created', stored: { type: 'svc', name: 'my-service' } },
  { desc: 'Service hdls (001)', file: `${SEEDS}/001-L034-service.yaml`, want: 'created', stored: { type: 'svc', name: 'hdls' } },
  { desc: 'headless Service hdls', file: `${SEEDS}/001-L078-service.yaml`, want: 'created', stored: { type: 'svc', name: 'hdls' } },
  { desc: 'selector-less Service hdls', file: `${SEEDS}/001-L104-service.yaml`, want: 'created', stored: { type: 'svc', name: 'hdls' } },
  { desc: 'multi-port Service (TCP and UDP on 8080)', file: `${SEEDS}/001-L154-service.yaml`, want: 'created', stored: { type: 'svc', name: 'hdls' } },
  { desc: 'ConfigMap tcp-services (integer key)', file: `${SEEDS}/003-L013-configmap.yaml`, want: 'created', stored: { type: 'cm', name: 'tcp-services' }, ownNamespace: false },
  { desc: 'hostNetwork Pod nginx', file: `${SEEDS}/003-L050-pod.yaml`, want: 'created', stored: { type: 'pod', name: 'nginx' } },
  { desc: 'Endpoints verbatim: broken indentation', file: `${SEEDS}/001-L124-endpoints.yaml`, want: PARSE_ERROR },
  { desc: 'Pod hostPort verbatim: broken indentation', file: `${SEEDS}/001-L192-pod.yaml`, want: PARSE_ERROR },
  { desc: 'Pod hostNetwork verbatim: broken indentation', file: `${SEEDS}/001-L219-pod.yaml`, want: PARSE_ERROR },
  { desc: 'legacy Ingress verbatim: broken indentation', file: `${SEEDS}/001-L328-ingress.yaml`, want: PARSE_ERROR },
  { desc: 'nodePort 8000 outside the range', file: `${SEEDS}/001-L251-service.yaml`, want: /spec\.ports\[0\]\.nodePort: Invalid value: 8000: provided port is not in the valid range\. The range of valid ports is 30000-32767/, stored: { type: 'svc', name: 'hdls' } },
  { desc: 'Service without a name (002)', file: `${SEEDS}/002-L103-service.yaml`, want: /resource name may not be empty/ },
  { desc: 'top-level type (002 NodePort)', file: `${SEEDS}/002-L189-service.yaml`, want: /strict decoding error: unknown field "type"/, stored: { type: 'svc', name: 'nginx' } },
  { desc: 'spec.ingress (002 LoadBalancer)', file: `${SEEDS}/002-L222-service.yaml`, want: /strict decoding error: unknown field "spec\.ingress"/, stored: { type: 'svc', name: 'nginx' } },
  { desc: 'HelmRelease: no such kind', file: `${SEEDS}/003-L021-helmrelease.yaml`, want: /no matches for kind "HelmRelease" in version "flux\.weave\.works\/v1beta1"/, ownNamespace: false },
  { desc: 'Ingress <ingress-name> (aggregation)', file: `${SEEDS}/003-L081-ingress.yaml`, want: /metadata\.name: Invalid value: "<ingress-name>"/, stored: { type: 'ingress', name: '<ingress-name>' } },
  { desc: 'Ingress <ingress-name> (paths)', file: `${SEEDS}/003-L104-ingress.yaml`, want: /metadata\.name: Invalid value: "<ingress-name>"/, stored: { type: 'ingress', name: '<ingress-name>' } },
  { desc: 'Ingress with top-level annotations', file: `${SEEDS}/003-L124-ingress.yaml`, want: /unknown field "annotations"/, stored: { type: 'ingress', name: '<ingress-name>' } },
  { desc: 'Ingress <ingress-name> (TLS)', file: `${SEEDS}/003-L166-ingress.yaml`, want: /metadata\.name: Invalid value: "<ingress-name>"/, stored: { type: 'ingress', name: '<ingress-name>' } },
  { desc: 'Ingress <ingress-name> (rewrite)', file: `${SEEDS}/003-L192-ingress.yaml`, want: /metadata\.name: Invalid value: "<ingress-name>"/, stored: { type: 'ingress', name: '<ingress-name>' } },
  { desc: 'Secret with placeholder data', file: `${SEEDS}/003-L157-secret.yaml`, want: /illegal base64 data/, stored: { type: 'secret', name: 'mytlssecret' } },
  { desc: 'fixed: Endpoints with typo\'d fields', file: `${FIXED}/001-L124-endpoints.yaml`, want: /strict decoding error: unknown field "subsets\[0\]\.addresss"/, stored: { type: 'endpoints', name: 'hdls' } },
  { desc: 'fixed: Pod with hostPort', file: `${FIXED}/001-L192-pod.yaml`, want: 'created', stored: { type: 'pod', name: 'hdls-pod' } },
  { desc: 'fixed: Pod with hostNetwork', file: `${FIXED}/001-L219-pod.yaml`, want: 'created', stored: { type: 'pod', name: 'hdls-pod' } },
  { desc: 'fixed: legacy extensions/v1beta1 Ingress', file: `${FIXED}/001-L328-ingress.yaml`, want: 'created', stored: { type: 'ingress', name: 'hdls-ingress' } },
  { desc: 'fixed: clusterIP 100.69.175.1 outside the range', file: `${FIXED}/002-L103-service.yaml`, want: /spec\.clusterIPs?: Invalid value: .*100\.69\.175\.1.*not in the valid range/, stored: { type: 'svc', name: 'nginx' } },
];

describe('seed documents through kubectl', { timeout: 120_000 }, () => {
  let p: Portico;
  before(async () => {
    p = await startPortico();
    const nss = cases.map((_, i) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: seed-${i}\n`).join('---\n');
    const r = await p.kubectl(['apply', '-f', '-'], { stdin: nss });
    assert.equal(r.code, 0, r.stderr);
  });

  cases.forEach((c, i) => {
    test(c.desc, async () => {
      const ns = c.ownNamespace === false ? [] : ['-n', `seed-${i}`];
      const r = await p.kubectl(['apply', '-f', c.file, ...ns]);
      const getNs = c.ownNamespace === false ? ['-n', 'default'] : ns;
      if (c.want === 'created') {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, / created\n$/);
      } else {
        assert.notEqual(r.code, 0, `expected a refusal, got: ${r.stdout}`);
        assert.match(r.stderr, c.want);
      }
      if (!c.stored) return;
      const g = await p.kubectl(['get', c.stored.type, c.stored.name, ...getNs, '-o', 'name']);
      if (c.want === 'created') assert.equal(g.code, 0, g.stderr);
      else assert.match(g.stderr, /NotFound/, `refused object must not be stored: ${g.stdout}`);
    });
  });

  test('kubectl get svc,endpoints,ingress shows what applied', async () => {
    const r = await p.kubectl(['get', 'svc,endpoints,ingress', '-A']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(r.stdout, /^default\s+service\/kubernetes\s+ClusterIP\s+127\.96\.0\.1\s+<none>\s+443\/TCP\s+/m);
    assert.match(r.stdout, /^seed-0\s+service\/my-service\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+/m);
    assert.match(r.stdout, /^seed-2\s+service\/hdls\s+ClusterIP\s+None\s+<none>\s+8080\/TCP\s+/m);
    assert.match(r.stdout, /^seed-4\s+service\/hdls\s+ClusterIP\s+\S+\s+<none>\s+8080\/TCP,8080\/UDP\s+/m);
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+ENDPOINTS\s+AGE$/m);
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m);
    assert.match(r.stdout, /ingress\.networking\.k8s\.io\/hdls-ingress\s+<none>\s+hdls\.me\s+(127\.0\.0\.1\s+)?80\s+/);
    // The Ingress controller serves it (portico is the default class) and reports the node address.
    const served = await eventually(async () => {
      const g = await p.kubectl(['get', 'ingress', '-A']);
      return /hdls-ingress\s+<none>\s+hdls\.me\s+127\.0\.0\.1\s+80\s+/.test(g.stdout) && g.stdout;
    }, 10_000, 200);
    assert.ok(served);
  });

  test('a selector-less Service takes manual Endpoints (the corrected seed)', async () => {
    const ns = `seed-${cases.findIndex((c) => c.desc === 'selector-less Service hdls')}`;
    const r = await p.kubectl(['apply', '-n', ns, '-f', `${FIXED}/001-L124-endpoints-corrected.yaml`]);
    assert.equal(r.code, 0, r.stderr);
    const g = await p.kubectl(['get', 'endpoints', 'hdls', '-n', ns]);
    assert.match(g.stdout, /^NAME\s+ENDPOINTS\s+AGE\nhdls\s+1\.2\.3\.4:8000\s+\S+\n$/);
  });
});
