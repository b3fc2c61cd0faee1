// Defaulting of the smaller kinds: Namespace, Secret, Endpoints, EndpointSlice, Node.
import type { V1Endpoints, V1EndpointSlice, V1Namespace, V1Node, V1Secret } from '@kubernetes/client-node';
import type { KubeObject } from '../types.ts';

// defaultNamespace: status.phase Active and the kubernetes.io/metadata.name label.
export function defaultNamespace(obj: KubeObject): void {
  const ns = obj as V1Namespace;
  const meta = ns.metadata ?? (ns.metadata = {});
  if (meta.name) meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
  const status = ns.status ?? (ns.status = {});
  status.phase ||= 'Active';
}

// defaultSecret: type Opaque; stringData merged into data (base64) as the v1 conversion does.
export function defaultSecret(obj: KubeObject): void {
  const s = obj as V1Secret;
  s.type ||= 'Opaque';
  if (s.stringData) {
    const data = s.data ?? (s.data = {});
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

export function defaultEndpoints(obj: KubeObject): void {
  for (const ss of (obj as V1Endpoints).subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of (obj as unknown as V1EndpointSlice).ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

// defaultNode: allocatable defaults to capacity.
export function defaultNode(obj: KubeObject): void {
  const st = (obj as V1Node).status;
  if (st?.capacity && !st.allocatable) st.allocatable = { ...st.capacity };
}
