// The manifests of the seed documents (/work/shared/seeds), through the create path of src/api:
// strict decoding, conversion to the storage version, defaulting, validation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { invalid } from '../lib/errors.ts';
import { toStorage } from './conversion.ts';
import { decodeErrorMessage, decodeErrors } from './decode.ts';
import { byKind, parseApiVersion } from './scheme.ts';
import { strategyFor } from './strategies.ts';
import type { KubeObject } from './types.ts';

// admit returns 'ok' or the message kube-apiserver would answer with (400 decode / 422 invalid); the
// 422 names the requested group (Ingress.extensions for a legacy request), as Kubernetes does.
function admit(yamlText: string): string {
  const doc = parse(yamlText) as KubeObject;
  const apiVersion = doc.apiVersion ?? '';
  const kind = doc.kind ?? '';
  const { group, version } = parseApiVersion(apiVersion);
  const info = byKind(group, version, kind);
  assert.ok(info, `${apiVersion} ${kind}`);
  const decodeMsg = decodeErrorMessage(apiVersion, kind, decodeErrors(apiVersion, kind, doc), true);
  if (decodeMsg) return decodeMsg;
  const obj = toStorage(apiVersion, kind, { ...doc, metadata: { namespace: 'default', ...doc.metadata } });
  const s = strategyFor(info);
  s.default(obj);
  s.prepareForCreate(obj);
  const errs = s.validate(obj);
  return errs.length ? invalid({ group: info.group, kind }, obj.metadata?.name ?? '', errs).message : 'ok';
}

const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const cases = [
  { desc: '000 my-service', in: `
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
`, want: 'ok' },
  { desc: '001 multi-port same number, two protocols', in: `
apiVersion: v1
kind: Service
metadata:
  name: hdls
spec:
  ports:
  - name: dns
    port: 8080
    protocol: TCP
  - name: dns-tcp
    port: 8080
    protocol: UDP
  selector:
    app: hdls
`, want: 'ok' },
  // The seed indents this block inconsistently (a YAML error as printed); the typos are kept. Fields
  // under an unknown field are not reported, as in Kubernetes.
  { desc: '001 Endpoints with typos', in: `
apiVersion: v1
kind: Endpoints
metadata:
  name: hdls
subsets:
  - addresss:
    - IP: 1.2.3.4
    ports:
    - port: 8000
`, want: 'Endpoints in version "v1" cannot be handled as a Endpoints: strict decoding error: unknown field "subsets[0].addresss"' },
  { desc: '001 Endpoints with the IP typo only', in: `
apiVersion: v1
kind: Endpoints
metadata:
  name: hdls
subsets:
  - addresses:
    - IP: 1.2.3.4
    ports:
    - port: 8000
`, want: 'Endpoints in version "v1" cannot be handled as a Endpoints: strict decoding error: unknown field "subsets[0].addresses[0].IP"' },
  { desc: '001 Endpoints corrected', in: `
apiVersion: v1
kind: Endpoints
metadata:
  name: hdls
subsets:
  - addresses:
    - ip: 1.2.3.4
    ports:
    - port: 8000
`, want: 'ok' },
  { desc: '001 legacy Ingress', in: `
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: hdls-ingress
spec:
  rules:
  - host: hdls.me
    http:
      paths:
      - path: /web
        backend:
          serviceName: hdls
          servicePort: 8000
`, want: 'ok' },
  { desc: '002 Service with top-level type', in: `
apiVersion: v1
kind: Service
metadata:
  labels:
    app: nginx
  name: nginx
spec:
  clusterIP: 100.69.175.1
  ports:
    - port: 8080
      protocol: TCP
      targetPort: 80
  selector:
    app: nginx
type: ClusterIP
`, want: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "type"' },
  { desc: '002 NodePort Service, type moved into spec (ranges are the allocator\'s)', in: `
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  type: NodePort
  clusterIP: 100.69.175.1
  externalTrafficPolicy: Cluster
  ports:
    - nodePort: 32584
      port: 8080
      protocol: TCP
      targetPort: 80
  selector:
    app: nginx
`, want: 'ok' },
  { desc: '003 ConfigMap with an int key', in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: tcp-services
  namespace: default
data:
  27017: "default/tcp-svc:27017"
`, want: 'ok' },
  { desc: '003 hostNetwork Pod', in: `
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  containers:
    - name: nginx
      image: nginx
      ports:
        - containerPort: 8080
`, want: 'ok' },
  { desc: '003 placeholder Ingress', in: `
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: <ingress-name>
spec:
  rules:
  - host: <yourchoice>.<cluster-id>.k8s.gigantic.io
    http:
      paths:
      - path: /
        backend:
          serviceName: <service1-name>
          servicePort: <service1-port>
`, want: `Ingress.extensions "<ingress-name>" is invalid: [metadata.name: Invalid value: "<ingress-name>": ${SUBDOMAIN}, spec.rules[0].host: Invalid value: "<yourchoice>.<cluster-id>.k8s.gigantic.io": ${SUBDOMAIN}, spec.rules[0].http.paths[0].backend.serviceName: Invalid value: "<service1-name>": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.rules[0].http.paths[0].backend.servicePort: Invalid value: "<service1-port>": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)]` },
  { desc: '003 TLS Secret with placeholder data', in: `
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: mytlssecret
data:
  tls.crt: <base64 encoded cert>
  tls.key: <base64 encoded key>
`, want: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0' },
];

for (const c of cases) test(c.desc, () => assert.equal(admit(c.in), c.want));
