// Pods as host processes, from the user's side: the injected environment and resolv.conf, the image
// Event, streamed logs, hostNetwork and hostPort, graceful deletion, and DaemonSets (one pod per
// matching node, ownerReferences, `kubectl get ds`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { KUBECTL, clientFor, eventually, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';
import { ECHO, START_MS, alive, containerPid, freePort, httpGet, isReady, newMarker, runNetwork } from './workloads-fixtures.ts';

const NS = 'default';
const marker = newMarker();

function echoPod(name: string, extra: Partial<k8s.V1PodSpec> = {}, env: k8s.V1EnvVar[] = [], port = 8080): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 5,
      containers: [{
        name: 'echo', image: 'portico/echo', command: ['node', ECHO],
        env: [
          { name: 'MARKER', value: marker }, { name: 'PORT', value: String(port) },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, ...env,
        ],
        ports: [{ containerPort: port }],
        readinessProbe: { tcpSocket: { port }, periodSeconds: 1 },
      }],
      ...extra,
    },
  };
}

describe('pods: processes on their own addresses', { timeout: 300_000 }, () => {
  let p: Portico;
  let core: k8s.CoreV1Api;
  const net = runNetwork();
  const readyPod = (name: string) => eventually(async () => {
    const x = await core.readNamespacedPod({ namespace: NS, name });
    return isReady(x) ? x : undefined;
  }, 60_000, 200);

  before(async () => {
    p = await startPortico({ args: net.args, timeoutMs: START_MS });
    ({ core } = clientFor(p));
  });

  test('environment: service links, downward API, POD_IP, resolv.conf; the image is informational', async () => {
    const svc = await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'envsvc' }, spec: { ports: [{ port: 8081 }] } } });
    await core.createNamespacedPod({
      namespace: NS, body: echoPod('env-a', {}, [
        { name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'GREETING', value: 'hi from $(MY_NS)' },
      ]),
    });
    await core.createNamespacedPod({ namespace: NS, body: echoPod('env-b', { enableServiceLinks: false }) });
    const a = await readyPod('env-a');
    const b = await readyPod('env-b');
    const env = async (x: k8s.V1Pod, name: string) => (await httpGet(x.status?.podIP ?? '', 8080, `/env/${name}`)).body.trim();
    assert.equal(await env(a, 'ENVSVC_SERVICE_HOST'), svc.spec?.clusterIP);
    assert.equal(await env(a, 'ENVSVC_SERVICE_PORT'), '8081');
    assert.equal(await env(a, 'ENVSVC_PORT'), `tcp://${svc.spec?.clusterIP ?? ''}:8081`);
    assert.equal(await env(a, 'POD_IP'), a.status?.podIP);
    assert.equal(await env(a, 'MY_IP'), a.status?.podIP);
    assert.equal(await env(a, 'MY_NS'), 'default');
    assert.equal(await env(a, 'GREETING'), 'hi from default');
    assert.equal(await env(b, 'ENVSVC_SERVICE_HOST'), '', 'enableServiceLinks: false');
    assert.match(await env(b, 'KUBERNETES_SERVICE_HOST'), /^127\./, 'the master service is always there');
    // resolv.conf: a file in the pod's directory, named by PORTICO_RESOLV_CONF.
    const path = await env(a, 'PORTICO_RESOLV_CONF');
    assert.ok(path.startsWith(p.dataDir), path);
    const rc = readFileSync(path, 'utf8');
    assert.match(rc, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
    assert.match(rc, /^options ndots:5$/m);
    const dns = await core.readNamespacedService({ namespace: 'kube-system', name: 'kube-dns' }).catch(() => undefined);
    if (dns) assert.match(rc, new RegExp(`^nameserver ${(dns.spec?.clusterIP ?? '').replaceAll('.', '\\.')}$`, 'm'));
    const events = await eventually(async () => {
      const l = (await core.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.involvedObject.name === 'env-a');
      return l.length > 0 ? l : undefined;
    }, 10_000, 200);
    assert.ok(events.some((e) => /image "portico\/echo" is informational/.test(e.message ?? '')), JSON.stringify(events.map((e) => e.message)));
  });

  test('kubectl logs -f streams the lines a pod writes', async () => {
    await core.createNamespacedPod({
      namespace: NS, body: {
        metadata: { name: 'ticker' },
        spec: { containers: [{ name: 'tick', image: 'busybox', command: ['sh', '-c', 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'], env: [{ name: 'MARKER', value: marker }] }] },
      },
    });
    await eventually(async () => (await core.readNamespacedPod({ namespace: NS, name: 'ticker' })).status?.phase === 'Running', 60_000, 200);
    const f = spawn(KUBECTL, ['--kubeconfig', p.kubeconfig, 'logs', '-f', 'ticker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    f.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      const first = await eventually(async () => /tick (\d+)\n/.exec(out)?.[1], 30_000, 50);
      // Lines written after the stream opened arrive on it: five more ticks.
      await eventually(async () => out.includes(`tick ${Number(first) + 5}\n`), 30_000, 50);
      assert.match(out, /^(tick \d+\n)+$/);
    } finally {
      f.kill('SIGKILL');
    }
    const tail = await p.kubectl(['logs', 'ticker', '--tail=2']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /^tick \d+\ntick \d+\n$/);
    const prev = await p.kubectl(['logs', 'ticker', '--previous']);
    assert.notEqual(prev.code, 0);
    assert.match(prev.stderr, /previous terminated container "tick" in pod "ticker" not found/);
  });

  test('a hostNetwork pod binds the node address', async () => {
    const port = await freePort(net.nodeIP);
    await core.createNamespacedPod({ namespace: NS, body: echoPod('hostnet', { hostNetwork: true }, [], port) });
    const x = await readyPod('hostnet');
    assert.equal(x.status?.podIP, net.nodeIP);
    assert.equal(x.status?.hostIP, net.nodeIP);
    const r = await httpGet(net.nodeIP, port, '/');
    assert.match(r.body, new RegExp(`^pod hostnet \\(${net.nodeIP.replaceAll('.', '\\.')}\\)`));
  });

  test('hostPort maps the node port to the pod; deleting the pod ends process and mapping gracefully', async () => {
    const hostPort = await freePort(net.nodeIP);
    const body = echoPod('hostport');
    const c = body.spec?.containers[0];
    if (c) c.ports = [{ containerPort: 8080, hostPort }];
    await core.createNamespacedPod({ namespace: NS, body });
    const x = await readyPod('hostport');
    const r = await eventually(async () => httpGet(net.nodeIP, hostPort, '/via-host-port'), 10_000, 100);
    assert.match(r.body, new RegExp(`^pod hostport \\(${(x.status?.podIP ?? '').replaceAll('.', '\\.')}\\) answered GET /via-host-port`));
    const pid = containerPid(x);
    assert.ok(pid && alive(pid));
    const d = await p.kubectl(['delete', 'pod', 'hostport', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'pod "hostport" deleted\n');
    await eventually(async () => !alive(pid ?? 0), 10_000, 100);
    await assert.rejects(httpGet(net.nodeIP, hostPort, '/'), /ECONNREFUSED/);
  });

  test('startup then liveness probes: a failing liveness probe restarts the container', async () => {
    const body = echoPod('live');
    const c = body.spec?.containers[0];
    // The startup probe holds the liveness probe back until the server listens.
    if (c) {
      c.startupProbe = { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 30 };
      c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 };
    }
    await core.createNamespacedPod({ namespace: NS, body });
    const x = await readyPod('live');
    const pid = containerPid(x);
    assert.equal((await httpGet(x.status?.podIP ?? '', 8080, '/fail', 'POST')).status, 200);
    const after = await eventually(async () => {
      const y = await core.readNamespacedPod({ namespace: NS, name: 'live' });
      return (y.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && isReady(y) ? y : undefined;
    }, 30_000, 200);
    assert.notEqual(containerPid(after), pid);
    assert.equal(after.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 0, 'SIGTERM: the echo server drained and exited');
    assert.equal((await httpGet(after.status?.podIP ?? '', 8080, '/healthz')).status, 200, 'the new process is healthy');
  });

  test('a DaemonSet runs one pod on each matching node, follows node labels, and takes its pods along', async () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {portico-agent: "yes"}
      containers:
      - {name: agent, image: agent, command: [sh, -c, 'exec sleep 3600'], env: [{name: MARKER, value: ${marker}}]}
`;
    const a = await p.kubectl(['apply', '-f', '-'], { stdin: ds });
    assert.equal(a.code, 0, a.stderr);
    const agentPods = async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=agent' })).items.filter((x) => !x.metadata?.deletionTimestamp);
    await eventually(async () => {
      const r = await p.kubectl(['get', 'ds', 'agent', '--no-headers']);
      return /^agent\s+0\s+0\s+0\s+0\s+0\s+portico-agent=yes\s+\d+s\n$/.test(r.stdout) ? r : undefined;
    }, 20_000, 200);
    assert.equal((await agentPods()).length, 0, 'no node matches yet');
    const l = await p.kubectl(['label', 'node', 'portico-test', 'portico-agent=yes']);
    assert.equal(l.code, 0, l.stderr);
    const [pod] = await eventually(async () => {
      const ps = await agentPods();
      return ps.length === 1 && ps[0]?.status?.phase === 'Running' ? ps : undefined;
    }, 60_000, 200);
    assert.equal(pod?.spec?.nodeName, 'portico-test');
    assert.equal(pod?.metadata?.ownerReferences?.[0]?.kind, 'DaemonSet');
    await eventually(async () => {
      const r = await p.kubectl(['get', 'ds', 'agent', '--no-headers']);
      return /^agent\s+1\s+1\s+1\s+1\s+1\s+portico-agent=yes\s+\d+s\n$/.test(r.stdout);
    }, 20_000, 200);
    // A template change replaces the pod (RollingUpdate); rollout status follows it to the end.
    const se = await p.kubectl(['set', 'env', 'ds/agent', 'LEVEL=2']);
    assert.equal(se.code, 0, se.stderr);
    const ro = await p.kubectl(['rollout', 'status', 'ds/agent', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(ro.code, 0, ro.stderr + ro.stdout);
    assert.match(ro.stdout, /daemon set "agent" successfully rolled out/);
    const [next] = await eventually(async () => {
      const ps = await agentPods();
      return ps.length === 1 && ps[0]?.metadata?.name !== pod?.metadata?.name && ps[0]?.status?.phase === 'Running' ? ps : undefined;
    }, 60_000, 200);
    assert.equal(next?.spec?.containers[0]?.env?.find((e) => e.name === 'LEVEL')?.value, '2');
    const u = await p.kubectl(['label', 'node', 'portico-test', 'portico-agent-']);
    assert.equal(u.code, 0, u.stderr);
    await eventually(async () => (await agentPods()).length === 0, 60_000, 200);
    await p.kubectl(['label', 'node', 'portico-test', 'portico-agent=yes']);
    await eventually(async () => (await agentPods()).length === 1, 60_000, 200);
    const d = await p.kubectl(['delete', 'ds', 'agent']);
    assert.equal(d.code, 0, d.stderr);
    await eventually(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=agent' })).items.length === 0, 60_000, 200);
  });
});
