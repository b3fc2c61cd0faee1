import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../../../lib/errors.ts';
import { decodeMessage } from './decode.ts';
import { decodeKubernetesProtobuf, messageName, SCHEMA } from './index.ts';
import { parseMessage, Schema } from './schema.ts';
import { Writer } from './wire.ts';

// Bodies captured from kubectl v1.32 (`kubectl create ...`), as sent with Content-Type application/vnd.kubernetes.protobuf.
const kubectlBodies = [
  {
    desc: 'create service nodeport np --tcp=80:8080 --node-port=30080',
    in: '6b3873000a0d0a02763112075365727669636512670a1d0a026e7012001a0022002a003200380042005a090a0361707012026e7012420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012026e701a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200',
    want: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', labels: { app: 'np' } }, spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], selector: { app: 'np' }, type: 'NodePort' }, status: { loadBalancer: {} } },
  },
  {
    desc: 'create secret generic sx --from-literal=a=b',
    in: '6b3873000a0c0a0276311206536563726574121e0a120a02737812001a0022002a0032003800420012060a01611201621a001a002200',
    want: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sx' }, data: { a: 'Yg==' } },
  },
  {
    desc: 'create deployment dx --image=nginx --port=80 --replicas=2',
    in: '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a1d0a02647812001a0022002a003200380042005a090a03617070120264781284010802120b0a090a03617070120264781a6b0a1b0a0012001a0022002a003200380042005a090a0361707012026478124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    want: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dx', labels: { app: 'dx' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'dx' } }, template: { metadata: { labels: { app: 'dx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] } }, strategy: {} }, status: {} },
  },
  {
    desc: 'create ingress ix --rule=a.com/*=svc:http,tls=sec --class=nginx (inline ingressRuleValue)',
    in: '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373125c0a120a02697812001a0022002a003200380042001242120c0a05612e636f6d12037365631a2b0a05612e636f6d12220a200a1e0a012f1211220f0a0373766312080a046874747010001a0650726566697822056e67696e781a020a001a002200',
    want: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ix' }, spec: { tls: [{ hosts: ['a.com'], secretName: 'sec' }], rules: [{ host: 'a.com', http: { paths: [{ path: '/', backend: { service: { name: 'svc', port: { name: 'http' } } }, pathType: 'Prefix' }] } }], ingressClassName: 'nginx' }, status: { loadBalancer: {} } },
  },
];

test('decodeKubernetesProtobuf decodes what kubectl sends', () => {
  for (const c of kubectlBodies) assert.deepEqual(decodeKubernetesProtobuf(Buffer.from(c.in, 'hex')), c.want, c.desc);
});

const envelope = (apiVersion: string, kind: string, raw: Uint8Array, encoding = ''): Uint8Array => {
  const u = new Writer().bytes(1, new Writer().string(1, apiVersion).string(2, kind).finish()).bytes(2, raw);
  if (encoding) u.string(3, encoding);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), u.finish()]);
};

test('decodeKubernetesProtobuf decodes DeleteOptions, keeping pointer zeros', () => {
  const raw = new Writer().uint(1, 0).string(4, 'Foreground').finish();
  assert.deepEqual(decodeKubernetesProtobuf(envelope('meta.k8s.io/v1', 'DeleteOptions', raw)),
    { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
});

test('decodeKubernetesProtobuf refusals', () => {
  const cases = [
    { desc: 'no magic', in: Buffer.from('{"kind":"x"}'), code: 400 },
    { desc: 'kind without a table', in: envelope('flux.weave.works/v1beta1', 'HelmRelease', new Uint8Array()), code: 415 },
    { desc: 'missing kind', in: envelope('v1', '', new Uint8Array()), code: 400 },
    { desc: 'content encoding', in: envelope('v1', 'ConfigMap', new Uint8Array(), 'gzip'), code: 415 },
    { desc: 'unknown field number', in: envelope('v1', 'ConfigMap', new Writer().string(99, 'x').finish()), code: 400 },
    { desc: 'wrong wire type', in: envelope('v1', 'ConfigMap', new Writer().uint(1, 3).finish()), code: 400 },
  ];
  for (const c of cases) {
    assert.throws(() => decodeKubernetesProtobuf(c.in), (e: unknown) => isApiError(e) && e.code === c.code, c.desc);
  }
});

// A small schema exercises each rule of decodeMessage without depending on the generated tables.
const small = new Schema([{
  'test.v1.Thing': 'name=1:string count=2:int32 ptr=3:int32? flag=4:bool on=5:bool? tags=6:[]string nums=7:[]int32 labels=8:map<string,string> blobs=9:map<string,bytes> sub=10:test.v1.Sub ...inl=11:test.v1.Sub subs=12:[]test.v1.Sub port=13:intstr.IntOrString when=14:meta.v1.Time qty=15:resource.Quantity raw=16:runtime.RawExtension',
  'test.v1.Sub': 'a=1:string b=2:int64',
}]);

test('decodeMessage rules', () => {
  const sub = (a: string) => new Writer().string(1, a).finish();
  const entry = (k: string, v: Uint8Array | string) => new Writer().string(1, k).bytes(2, typeof v === 'string' ? Buffer.from(v) : v).finish();
  const cases = [
    { desc: 'non-pointer zeros are dropped', in: new Writer().string(1, '').uint(2, 0).bool(4, false), want: {} },
    { desc: 'pointer zeros are kept', in: new Writer().uint(3, 0).bool(5, false), want: { ptr: 0, on: false } },
    { desc: 'negative int32', in: new Writer().uint(2, -5), want: { count: -5 } },
    { desc: 'repeated strings, unpacked and packed ints', in: new Writer().string(6, 'a').string(6, 'b').uint(7, 1).bytes(7, Uint8Array.from([2, 3])), want: { tags: ['a', 'b'], nums: [1, 2, 3] } },
    { desc: 'maps as repeated entries; bytes values are base64', in: new Writer().bytes(8, entry('k', 'v')).bytes(8, entry('e', '')).bytes(9, entry('b', Uint8Array.from([0, 255]))), want: { labels: { k: 'v', e: '' }, blobs: { b: 'AP8=' } } },
    { desc: 'nested, inline and repeated messages', in: new Writer().bytes(10, sub('x')).bytes(11, sub('y')).bytes(12, sub('z')).bytes(12, new Uint8Array()), want: { sub: { a: 'x' }, a: 'y', subs: [{ a: 'z' }, {}] } },
    { desc: 'IntOrString int and string', in: new Writer().bytes(13, new Writer().uint(1, 1).string(3, 'http').finish()), want: { port: 'http' } },
    { desc: 'IntOrString int', in: new Writer().bytes(13, new Writer().uint(1, 0).uint(2, 8080).finish()), want: { port: 8080 } },
    { desc: 'Time as RFC 3339; zero time omitted', in: new Writer().bytes(14, new Writer().uint(1, 1700000000).finish()), want: { when: '2023-11-14T22:13:20Z' } },
    { desc: 'zero Time', in: new Writer().bytes(14, new Uint8Array()), want: {} },
    { desc: 'Quantity and RawExtension', in: new Writer().bytes(15, new Writer().string(1, '100Mi').finish()).bytes(16, new Writer().string(1, '{"a":[1]}').finish()), want: { qty: '100Mi', raw: { a: [1] } } },
  ];
  for (const c of cases) assert.deepEqual(decodeMessage(small, 'test.v1.Thing', c.in.finish()), c.want, c.desc);
});

test('parseMessage reads the compact table format', () => {
  const t = parseMessage('...x=2:core.v1.X ys=3:[]string m=4:map<string,resource.Quantity> p=5:int32?');
  assert.deepEqual([...t.entries()], [
    [2, { name: 'x', type: { message: 'core.v1.X' }, repeated: false, pointer: false, inline: true }],
    [3, { name: 'ys', type: 'string', repeated: true, pointer: false, inline: false }],
    [4, { name: 'm', type: { message: 'resource.Quantity' }, repeated: true, map: { key: 'string', value: { message: 'resource.Quantity' } }, pointer: false, inline: false }],
    [5, { name: 'p', type: 'int32', repeated: false, pointer: true, inline: false }],
  ]);
});

test('messageName and the generated tables', () => {
  const cases = [
    { in: ['v1', 'Service'], want: 'core.v1.Service' },
    { in: ['apps/v1', 'Deployment'], want: 'apps.v1.Deployment' },
    { in: ['networking.k8s.io/v1', 'Ingress'], want: 'networking.v1.Ingress' },
    { in: ['discovery.k8s.io/v1', 'EndpointSlice'], want: 'discovery.v1.EndpointSlice' },
  ] as const;
  for (const c of cases) {
    assert.equal(messageName(c.in[0], c.in[1]), c.want);
    assert.ok(SCHEMA.has(c.want), c.want);
  }
  // Every message a table names is itself in the schema (or has a custom JSON form).
  const custom = new Set(['meta.v1.Time', 'meta.v1.MicroTime', 'intstr.IntOrString', 'resource.Quantity', 'runtime.RawExtension', 'meta.v1.FieldsV1']);
  for (const name of ['core.v1.Pod', 'apps.v1.DaemonSet', 'coordination.v1.Lease', 'core.v1.Node', 'core.v1.Event']) {
    const stack = [name];
    const seen = new Set<string>();
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (seen.has(n) || custom.has(n)) continue;
      seen.add(n);
      const t = SCHEMA.message(n);
      assert.ok(t, `${n} missing`);
      for (const f of t.values()) {
        const ty = f.map ? f.map.value : f.type;
        if (typeof ty !== 'string') stack.push(ty.message);
      }
    }
  }
});
