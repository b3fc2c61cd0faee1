// Local workloads from the user's side: a Deployment of echo servers (host processes on their own
// 127.x addresses) behind a Service, driven with kubectl and client-node against `portico serve`:
// Ready pods with distinct IPs in the Endpoints, a killed process restarting, readiness flips, a rolling
// update probed continuously with zero failures, scale and rollout status, and `kubectl expose rc`.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { clientFor, eventually, startPortico } from './harness.ts';
import type { Portico } from './harness.ts';
import { ECHO, containerPid, httpGet, isReady, newMarker, readyAddresses, runNetwork, sleep, START_MS } from './workloads-fixtures.ts';

const NS = 'default';
const marker = newMarker();

function echoManifest(replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: ${replicas}
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: echo
        image: portico/echo
        command: [node, ${JSON.stringify(ECHO)}]
        env:
        - {name: MARKER, value: ${marker}}
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        ports: [{name: http, containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /healthz, port: http}
          periodSeconds: 1
          failureThreshold: 1
        lifecycle:
          preStop: {sleep: {seconds: 2}}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: http}]
`;
}

describe('workloads: a Deployment behind a Service', { timeout: 300_000 }, () => {
  let p: Portico;
  let core: k8s.CoreV1Api;
  const net = runNetwork();

  const pods = async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=echo' })).items.filter((x) => !x.metadata?.deletionTimestamp);
  const endpoints = () => core.readNamespacedEndpoints({ namespace: NS, name: 'echo' });
  const readyPods = async (n: number) => {
    const l = await pods();
    return l.length === n && l.every(isReady) ? l : undefined;
  };

  before(async () => {
    p = await startPortico({ args: net.args, timeoutMs: START_MS });
    ({ core } = clientFor(p));
    const r = await p.kubectl(['apply', '-f', '-'], { stdin: echoManifest(3) });
    assert.equal(r.code, 0, r.stderr);
  });

  test('3 replicas become 3 Ready pods with distinct IPs, listed in the Endpoints', async () => {
    const list = await eventually(() => readyPods(3), 60_000, 200);
    const ips = list.map((x) => x.status?.podIP ?? '').sort();
    assert.equal(new Set(ips).size, 3);
    for (const ip of ips) assert.ok(ip.startsWith(net.podCIDR.replace(/0\/24$/, '')), `${ip} in ${net.podCIDR}`);
    for (const x of list) assert.equal(x.status?.hostIP, net.nodeIP);
    const ep = await eventually(async () => { const e = await endpoints(); return readyAddresses(e).length === 3 ? e : undefined; }, 20_000, 100);
    assert.deepEqual(readyAddresses(ep), ips);
    // Each pod answers on its own address and says which pod it is.
    for (const x of list) {
      const r = await httpGet(x.status?.podIP ?? '', 8080, '/');
      assert.match(r.body, new RegExp(`^pod ${x.metadata?.name ?? ''} \\(${(x.status?.podIP ?? '').replaceAll('.', '\\.')}\\)`));
    }
    // Through the Service's ClusterIP (the service proxy), every pod answers in turn.
    const svc = await core.readNamespacedService({ namespace: NS, name: 'echo' });
    const seen = new Set<string>();
    await eventually(async () => {
      const r = await httpGet(svc.spec?.clusterIP ?? '', 80, '/');
      const m = /^pod (\S+) /.exec(r.body);
      if (m?.[1]) seen.add(m[1]);
      return seen.size === 3;
    }, 30_000, 20);
  });

  test('a killed pod process is restarted: restartCount grows, logs --previous shows the old run', async () => {
    const [victim] = await eventually(() => readyPods(3), 60_000, 200);
    const name = victim?.metadata?.name ?? '';
    const ip = victim?.status?.podIP ?? '';
    const pid = Number((await httpGet(ip, 8080, '/pid')).body.trim());
    assert.equal(containerPid(victim ?? {}), pid);
    process.kill(pid, 'SIGKILL');
    const after = await eventually(async () => {
      const x = await core.readNamespacedPod({ namespace: NS, name });
      return (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && isReady(x) ? x : undefined;
    }, 30_000, 200);
    const cs = after.status?.containerStatuses?.[0];
    assert.equal(cs?.lastState?.terminated?.exitCode, 137);
    assert.equal(after.status?.podIP, ip, 'a restarted container keeps its pod IP');
    const newPid = Number((await httpGet(ip, 8080, '/pid')).body.trim());
    assert.notEqual(newPid, pid);
    const cur = await p.kubectl(['logs', name]);
    assert.equal(cur.code, 0, cur.stderr);
    assert.match(cur.stdout, new RegExp(`^echo-server ${name} listening on ${ip.replaceAll('.', '\\.')}:8080\\n$`));
    const prev = await p.kubectl(['logs', name, '--previous']);
    assert.equal(prev.code, 0, prev.stderr);
    assert.match(prev.stdout, /listening on/);
    const table = await p.kubectl(['get', 'pod', name, '--no-headers']);
    assert.match(table.stdout, new RegExp(`^${name}\\s+1/1\\s+Running\\s+1 \\(\\d+s ago\\)\\s+`));
  });

  test('a failing readiness probe takes the pod out of the Endpoints; recovery puts it back', async () => {
    const list = await eventually(() => readyPods(3), 60_000, 200);
    const ip = list[0]?.status?.podIP ?? '';
    assert.equal((await httpGet(ip, 8080, '/fail', 'POST')).status, 200);
    const out = await eventually(async () => { const e = await endpoints(); return readyAddresses(e).includes(ip) ? undefined : e; }, 20_000, 100);
    assert.equal(readyAddresses(out).length, 2);
    assert.ok((out.subsets ?? []).some((s) => (s.notReadyAddresses ?? []).some((a) => a.ip === ip)), 'listed as not ready');
    assert.equal((await httpGet(ip, 8080, '/recover', 'POST')).status, 200);
    const back = await eventually(async () => { const e = await endpoints(); return readyAddresses(e).includes(ip) ? e : undefined; }, 20_000, 100);
    assert.equal(readyAddresses(back).length, 3);
  });

  test('a rolling update replaces every pod; the Service never has zero ready endpoints and no request fails', { timeout: 240_000 }, async () => {
    const before = await eventually(() => readyPods(3), 60_000, 200);
    const oldNames = new Set(before.map((x) => x.metadata?.name));
    let addrs = readyAddresses(await endpoints());
    let minReady = addrs.length;
    let ok = 0;
    const failures: string[] = [];
    let done = false;
    // The watcher refreshes the ready addresses; the prober sends requests to them, round robin.
    const watcher = (async () => {
      while (!done) {
        try { addrs = readyAddresses(await endpoints()); minReady = Math.min(minReady, addrs.length); } catch (e) { failures.push(`endpoints: ${String(e)}`); }
        await sleep(50);
      }
    })();
    const prober = (async () => {
      for (let i = 0; !done; i++) {
        const ip = addrs[i % Math.max(1, addrs.length)];
        if (ip) {
          try {
            const r = await httpGet(ip, 8080, '/');
            if (r.status === 200) ok++; else failures.push(`${ip}: HTTP ${r.status}`);
          } catch (e) { failures.push(`${ip}: ${(e as Error).message}`); }
        }
        await sleep(20);
      }
    })();
    // A second prober goes through the Service's ClusterIP (the service proxy), as a client would.
    const clusterIP = (await core.readNamespacedService({ namespace: NS, name: 'echo' })).spec?.clusterIP ?? '';
    let viaService = 0;
    const serviceProber = (async () => {
      while (!done) {
        try {
          const r = await httpGet(clusterIP, 80, '/');
          if (r.status === 200) viaService++; else failures.push(`service: HTTP ${r.status}`);
        } catch (e) { failures.push(`service ${clusterIP}: ${(e as Error).message}`); }
        await sleep(20);
      }
    })();
    const set = await p.kubectl(['set', 'env', 'deploy/echo', 'VERSION=2']);
    assert.equal(set.code, 0, set.stderr);
    const rollout = await p.kubectl(['rollout', 'status', 'deploy/echo', '--timeout=120s'], { timeoutMs: 130_000 });
    assert.equal(rollout.code, 0, rollout.stderr + rollout.stdout);
    assert.match(rollout.stdout, /deployment "echo" successfully rolled out/);
    const after = await eventually(async () => {
      const l = await readyPods(3);
      return l && l.every((x) => !oldNames.has(x.metadata?.name)) ? l : undefined;
    }, 60_000, 200);
    await sleep(3_000);            // keep probing while the last old pods finish terminating
    done = true;
    await Promise.all([watcher, prober, serviceProber]);
    assert.deepEqual(failures, []);
    assert.ok(minReady > 0, 'the Endpoints always had a ready address');
    assert.ok(ok > 50, `probed continuously (${ok} requests)`);
    assert.ok(viaService > 50, `probed through the ClusterIP continuously (${viaService} requests)`);
    for (const x of after) {
      const v = await httpGet(x.status?.podIP ?? '', 8080, '/env/VERSION');
      assert.equal(v.body, '2\n');
    }
    const rs = await p.kubectl(['get', 'rs', '-l', 'app=echo', '--no-headers']);
    assert.equal(rs.stdout.trim().split('\n').filter((l) => /\s3\s+3\s+3\s/.test(l)).length, 1, rs.stdout);
  });

  test('kubectl scale and rollout status', async () => {
    const up = await p.kubectl(['scale', 'deploy/echo', '--replicas', '4']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, 'deployment.apps/echo scaled\n');
    const st = await p.kubectl(['rollout', 'status', 'deploy/echo', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(st.code, 0, st.stderr);
    await eventually(() => readyPods(4), 60_000, 200);
    const ep = await eventually(async () => { const e = await endpoints(); return readyAddresses(e).length === 4 ? e : undefined; }, 20_000, 100);
    assert.equal(readyAddresses(ep).length, 4);
    const down = await p.kubectl(['scale', 'deploy', 'echo', '--replicas=2']);
    assert.equal(down.code, 0, down.stderr);
    await eventually(() => readyPods(2), 60_000, 200);
    const d = await p.kubectl(['get', 'deploy', 'echo', '--no-headers']);
    assert.match(d.stdout, /^echo\s+2\/2\s+2\s+2\s+/);
  });
});

const HDLS_RC = `apiVersion: v1
kind: ReplicationController
metadata: {name: hdls}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: hdls}}
    spec:
      containers:
      - name: hdls
        image: hdls
        command: [node, ${JSON.stringify(ECHO)}]
        env: [{name: PORT, value: "8000"}, {name: MARKER, value: ${marker}}]
        ports: [{containerPort: 8000}]
        readinessProbe: {tcpSocket: {port: 8000}, periodSeconds: 1}
`;

describe('workloads: kubectl expose rc hdls', { timeout: 250_000 }, () => {
  test('the ReplicationController runs its pods and the exposed Service lists them', { timeout: 240_000 }, async () => {
    const p = await startPortico({ args: runNetwork().args, timeoutMs: START_MS });
    const { core } = clientFor(p);
    const a = await p.kubectl(['apply', '-f', '-'], { stdin: HDLS_RC });
    assert.equal(a.code, 0, a.stderr);
    const pods = await eventually(async () => {
      const l = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=hdls' })).items;
      return l.length === 2 && l.every(isReady) ? l : undefined;
    }, 60_000, 200);
    for (const x of pods) assert.equal(x.metadata?.ownerReferences?.[0]?.kind, 'ReplicationController');
    const e = await p.kubectl(['expose', 'rc', 'hdls', '--port', '8080', '--target-port', '8000']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(e.stdout, 'service/hdls exposed\n');
    const want = pods.map((x) => `${x.status?.podIP ?? ''}:8000`).sort().join(',');
    const got = await eventually(async () => {
      const r = await p.kubectl(['get', 'endpoints', 'hdls', '--no-headers']);
      const m = /^hdls\s+(\S+)\s+/.exec(r.stdout);
      return m?.[1]?.split(',').sort().join(',') === want ? r.stdout : undefined;
    }, 20_000, 200);
    assert.match(got, /^hdls\s+\S+:8000,\S+:8000\s+\d+s\n$/);
    const rc = await p.kubectl(['get', 'rc', 'hdls', '--no-headers']);
    assert.match(rc.stdout, /^hdls\s+2\s+2\s+2\s+\d+s\n$/);
    // Deleting the RC deletes its pods (ownerReferences and the garbage collector).
    const d = await p.kubectl(['delete', 'rc', 'hdls']);
    assert.equal(d.code, 0, d.stderr);
    await eventually(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=hdls' })).items.length === 0, 40_000, 200);
  });
});
