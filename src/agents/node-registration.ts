// NodeRegistration is the kubelet's bookkeeping for this host: a Node object with its addresses, a
// Ready condition, nodeInfo and capacity, and a Lease in kube-node-lease renewed every `interval` ms.
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { KubeObject } from '../api/types.ts';
import type { Registry } from '../apiserver/registry/types.ts';
import { sleep } from '../lib/lifecycle.ts';
import { ensure, info } from './bootstrap.ts';

export interface NodeRegistrationOptions {
  nodeName: string;
  nodeIP: string;
  interval?: number;                 // lease renewal period, ms (default 10 000)
  onError?: (e: unknown) => void;    // a failed renewal is reported and retried at the next tick
}

const LEASE_SECONDS = 40;

// nodeObject is this host's Node as a kubelet registers it.
export function nodeObject(o: NodeRegistrationOptions, now: Date): KubeObject {
  const t = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const capacity = { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110', 'ephemeral-storage': '0' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: o.nodeName, labels: { 'kubernetes.io/hostname': o.nodeName, 'kubernetes.io/os': process.platform, 'kubernetes.io/arch': goArch(), 'node.kubernetes.io/instance-type': 'portico' } },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: o.nodeIP }, { type: 'Hostname', address: o.nodeName }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'portico is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }],
      capacity, allocatable: capacity,
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '', kernelVersion: release(), osImage: `${process.platform} ${hostname()}`,
        containerRuntimeVersion: `portico://${process.version}`, kubeletVersion: 'v1.32.0-portico', kubeProxyVersion: 'v1.32.0-portico',
        operatingSystem: process.platform, architecture: goArch(),
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    },
  };
}

function goArch(): string { return ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[arch()] ?? arch(); }

// registerNode creates (or refreshes) the Node and its status.
export async function registerNode(registry: Registry, o: NodeRegistrationOptions): Promise<void> {
  const node = nodeObject(o, new Date());
  await ensure(registry, node, ['metadata']);
  await registry.patch(info('v1', 'Node'), undefined, o.nodeName, 'merge', { status: node['status'] }, { subresource: 'status' });
}

// runLeaseHeartbeat renews the node Lease until the signal aborts; it never rejects.
export async function runLeaseHeartbeat(registry: Registry, o: NodeRegistrationOptions, signal: AbortSignal): Promise<void> {
  const lease = info('coordination.k8s.io/v1', 'Lease');
  while (!signal.aborted) {
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    try {
      await ensure(registry, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: o.nodeName, namespace: 'kube-node-lease' },
        spec: { holderIdentity: o.nodeName, leaseDurationSeconds: LEASE_SECONDS, renewTime },
      });
      await registry.patch(lease, 'kube-node-lease', o.nodeName, 'merge', { spec: { renewTime } });
    } catch (e) {
      o.onError?.(e);
    }
    await sleep(o.interval ?? 10_000, signal);
  }
}
