// legacy-ingress is the schema of extensions/v1beta1 Ingress (serviceName/servicePort backends), which
// @kubernetes/client-node no longer models; its status and TLS reuse networking.k8s.io/v1's.
import type { Schema } from './definitions.ts';
import { INT_OR_STRING, META } from './definitions.ts';

const PKG = 'io.k8s.api.extensions.v1beta1';
const NET = 'io.k8s.api.networking.v1';

// legacyIngressDefinitions returns the v1beta1 Ingress definitions with refs made by ref().
export function legacyIngressDefinitions(ref: (name: string) => Schema): Map<string, Schema> {
  const obj = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });
  const str = { type: 'string' };
  const arr = (items: Schema): Schema => ({ type: 'array', items });
  const backend = obj({ serviceName: str, servicePort: ref(INT_OR_STRING), resource: { type: 'object' } });
  const gvk = (kind: string): Schema => ({ 'x-kubernetes-group-version-kind': [{ group: 'extensions', version: 'v1beta1', kind }] });
  return new Map<string, Schema>([
    [`${PKG}.Ingress`, { ...obj({ apiVersion: str, kind: str, metadata: ref(`${META}.ObjectMeta`), spec: ref(`${PKG}.IngressSpec`), status: ref(`${NET}.IngressStatus`) }), ...gvk('Ingress') }],
    [`${PKG}.IngressList`, { ...obj({ apiVersion: str, kind: str, metadata: ref(`${META}.ListMeta`), items: arr(ref(`${PKG}.Ingress`)) }), ...gvk('IngressList') }],
    [`${PKG}.IngressSpec`, obj({ ingressClassName: str, backend: ref(`${PKG}.IngressBackend`), rules: arr(ref(`${PKG}.IngressRule`)), tls: arr(ref(`${NET}.IngressTLS`)) })],
    [`${PKG}.IngressBackend`, backend],
    [`${PKG}.IngressRule`, obj({ host: str, http: ref(`${PKG}.HTTPIngressRuleValue`) })],
    [`${PKG}.HTTPIngressRuleValue`, obj({ paths: arr(ref(`${PKG}.HTTPIngressPath`)) })],
    [`${PKG}.HTTPIngressPath`, obj({ path: str, pathType: str, backend: ref(`${PKG}.IngressBackend`) })],
  ]);
}

export const LEGACY_INGRESS = { kind: `${PKG}.Ingress`, list: `${PKG}.IngressList` };
