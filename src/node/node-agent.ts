// NodeAgent is the kubelet's job for processes: it runs the pods bound to this node (spec.nodeName) as
// host processes (PodWorker), writes their status through /status, finishes graceful deletions
// (terminate, then DELETE with grace 0) and serves their logs (it is the API server's LogSource).
// Handlers only enqueue pod keys; reconcile converges one pod. On stop every pod process is killed
// (SIGTERM, at most STOP_GRACE_S, then SIGKILL); a restart starts from the API objects, adopting nothing.
import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/source.ts';
import { splitKey, objectKey } from '../client/object-key.ts';
import { Controller } from '../controllers/runtime/index.ts';
import type { Informer } from '../informer/index.ts';
import { waitForSync } from '../informer/index.ts';
import { badRequest, isConflict, isNotFound, notFound } from '../lib/errors.ts';
import { containerEnv } from './container-env.ts';
import { PodIPPool } from './ip-pool.ts';
import { followLog } from './pod-logs.ts';
import type { LogOptions } from './pod-logs.ts';
import { PodWorker } from './pod-worker.ts';
import { podResolvConf } from './pod-dns.ts';
import { ProcessHost } from './process-host.ts';
import { EVENTS, PODS, imageEvent } from './events.ts';

export interface NodeAgentOptions {
  source: Source;
  pods: Informer<KubeObject>;
  services?: Informer<KubeObject>;
  configMaps?: Informer<KubeObject>;
  secrets?: Informer<KubeObject>;
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  dataDir: string;                          // logs go to <dataDir>/pods
  // clusterDNS is the kubelet's --cluster-dns: the nameserver(s) of ClusterFirst pods. Default: the
  // ClusterIP of the kube-system/kube-dns Service when there is one, else the node's own resolv.conf.
  clusterDNS?: string[];
  clusterDomain?: string;                   // default cluster.local
  // spawner: 'helper' (default) starts container processes from a small helper process (fork of a big
  // process is slow; see process-host.ts); 'inline' from this process.
  spawner?: 'helper' | 'inline';
  onError?: (err: unknown, where: string) => void;
}

const STOP_GRACE_S = 2;
const PODS_GR = { group: '', resource: 'pods' };

export class NodeAgent {
  readonly #o: NodeAgentOptions;
  readonly #pool: PodIPPool;
  readonly #workers = new Map<string, PodWorker>();
  readonly #finished = new Set<string>();   // keys whose termination completed
  readonly #controller: Controller;
  readonly #podsDir: string;
  readonly #hostResolvConf: string;
  readonly #host: ProcessHost | undefined;

  constructor(o: NodeAgentOptions) {
    this.#o = o;
    this.#pool = new PodIPPool(o.podCIDR);
    this.#podsDir = join(o.dataDir, 'pods');
    this.#hostResolvConf = readHostResolvConf();
    this.#host = o.spawner === 'inline' ? undefined : new ProcessHost({ onError: (e) => o.onError?.(e, 'process-host') });
    rmSync(this.#podsDir, { recursive: true, force: true });   // nothing of a previous run is adopted
    mkdirSync(this.#podsDir, { recursive: true });
    this.#controller = new Controller({
      name: 'node-agent', workers: 8, reconcile: (key) => this.reconcile(key),
      onError: (err, key) => o.onError?.(err, `node-agent ${key}`),
    });
    const enqueue = (p: KubeObject) => this.#controller.enqueue(objectKey(p));
    o.pods.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b), onDelete: enqueue });
  }

  // run reconciles until the signal aborts, then kills every pod process and resolves.
  async run(signal: AbortSignal): Promise<void> {
    const infs = [this.#o.pods, this.#o.services, this.#o.configMaps, this.#o.secrets].filter((i) => i !== undefined);
    if (await waitForSync(infs, signal)) await this.#controller.run(signal);
    await this.stopAll();
    await this.#host?.close();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.terminate(Math.min(STOP_GRACE_S, 30))));
  }

  // reconcile converges one pod ("ns/name").
  async reconcile(key: string): Promise<void> {
    const pod = this.#o.pods.get(key) as V1Pod | undefined;
    let worker = this.#workers.get(key);
    if (worker && (!pod || pod.metadata?.uid !== worker.uid)) {
      await this.#forget(key, worker);
      worker = undefined;
    }
    if (!pod || pod.spec?.nodeName !== this.#o.nodeName) return;
    if (pod.metadata?.deletionTimestamp) return this.#finishDeletion(key, pod, worker);
    if (!worker) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;   // terminal pods are not run again
      worker = this.#startWorker(key, pod);
    }
    await this.#writeStatus(pod, worker);
  }

  #startWorker(key: string, pod: V1Pod): PodWorker {
    const hostNet = pod.spec?.hostNetwork === true;
    const podIP = hostNet ? this.#o.nodeIP : this.#pool.allocate(pod.status?.podIP);
    const worker = new PodWorker({
      pod, podIP, hostIP: this.#o.nodeIP, podsDir: this.#podsDir,
      env: (p, c, ip) => this.#env(p, c, ip),
      ...(this.#host ? { spawn: this.#host.spawn, exec: this.#host.exec } : {}),
      resolvConf: (p) => podResolvConf(p, { clusterDNS: this.#clusterDNS(), clusterDomain: this.#o.clusterDomain ?? 'cluster.local', hostResolvConf: this.#hostResolvConf }),
      onChange: () => this.#controller.enqueue(key),
      onError: (e) => this.#o.onError?.(e, `pod ${key}`),
    });
    this.#workers.set(key, worker);
    void worker.start();
    void this.#o.source.create(EVENTS, imageEvent(pod, this.#o.nodeName)).catch((e: unknown) => this.#o.onError?.(e, `event ${key}`));
    return worker;
  }

  async #finishDeletion(key: string, pod: V1Pod, worker: PodWorker | undefined): Promise<void> {
    if (worker && !this.#finished.has(key)) {
      if (!worker.terminating) {
        const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
        void worker.terminate(grace).then(() => { this.#finished.add(key); this.#controller.enqueue(key); });
      }
      await this.#writeStatus(pod, worker);
      return;
    }
    const { namespace, name } = splitKey(key);
    const uid = pod.metadata?.uid;
    try {
      await this.#o.source.delete(PODS, namespace, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  async #forget(key: string, worker: PodWorker): Promise<void> {
    this.#workers.delete(key);
    this.#finished.delete(key);
    await worker.terminate(0);
    if (!this.#o.pods.get(key) || this.#o.pods.get(key)?.metadata?.uid !== worker.uid) this.#pool.release(worker.podIP);
    await worker.removeLogs().catch((e: unknown) => this.#o.onError?.(e, `logs ${key}`));
  }

  async #writeStatus(pod: V1Pod, worker: PodWorker): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const next = json(worker.status(pod, now));
    if (isDeepStrictEqual(next, json(pod.status ?? {}))) return;
    try {
      await this.#o.source.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { status: next }, 'status');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  #env(pod: V1Pod, c: V1Container, podIP: string): Record<string, string> {
    const services = (this.#o.services?.list() ?? []) as V1Service[];
    return containerEnv(pod, c, {
      podIP, hostIP: this.#o.nodeIP, services,
      configData: (kind, ns, name) => {
        const inf = kind === 'ConfigMap' ? this.#o.configMaps : this.#o.secrets;
        const obj = inf?.get(`${ns}/${name}`) as { data?: Record<string, string> } | undefined;
        if (!obj?.data) return undefined;
        if (kind === 'ConfigMap') return obj.data;
        return Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      },
    });
  }

  #clusterDNS(): string[] {
    if (this.#o.clusterDNS) return this.#o.clusterDNS;
    const svc = this.#o.services?.get('kube-system/kube-dns') as V1Service | undefined;
    const ip = svc?.spec?.clusterIP;
    return ip && ip !== 'None' ? [ip] : [];
  }

  // podLogs is the API server's LogSource: the text of a container's log, streamed.
  async podLogs(namespace: string, name: string, o: LogOptions, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const key = `${namespace}/${name}`;
    const pod = this.#o.pods.get(key) as V1Pod | undefined;
    const worker = this.#workers.get(key);
    if (!pod) throw notFound(PODS_GR, name);
    if (!worker) throw badRequest(`pod ${name} is not running on node ${this.#o.nodeName}`);
    const names = worker.containerNames;
    if (!o.container && names.length > 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    const runner = worker.runner(o.container);
    if (!runner) throw badRequest(`container ${o.container ?? ''} is not valid for pod ${name}`);
    const dir = join(worker.dir, runner.name);
    if (o.previous) {
      if (runner.generation < 2) throw badRequest(`previous terminated container "${runner.name}" in pod "${name}" not found`);
      return followLog(join(dir, 'previous.log'), { ...o, follow: false }, () => false, signal);
    }
    const gen = runner.generation;
    return followLog(join(dir, 'current.log'), o, () => runner.running && runner.generation === gen, signal);
  }

  // podIPs lists the IPs in use (for tests and the bench).
  get runningPods(): number { return this.#workers.size; }
}

function readHostResolvConf(): string {
  try { return readFileSync('/etc/resolv.conf', 'utf8'); } catch { return ''; }
}

function json<T>(v: T): T { return JSON.parse(JSON.stringify(v)) as T; }
