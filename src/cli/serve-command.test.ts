import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostPort, parsePortRange, serveOptions } from './serve-command.ts';

test('serveOptions: defaults', () => {
  const o = serveOptions([]);
  assert.equal(o.dataDir, '.portico');
  assert.equal(o.apiHost, '127.0.0.1');
  assert.equal(o.apiPort, 6443);
  assert.equal(o.serviceCIDR, '127.96.0.0/12');
  assert.deepEqual(o.nodePortRange, { base: 30000, size: 2768 });
  assert.equal(o.clusterDomain, 'cluster.local');
  assert.equal(o.nodeIP, '127.0.0.1');
  assert.deepEqual(o.manifests, []);
});

test('serveOptions: flags, -f repeatable, --flag=value', () => {
  const o = serveOptions(['--api-addr=127.0.0.1:0', '-f', 'a.yaml', '-f', 'dir/', '--node-name', 'n1', '--log-level', 'debug']);
  assert.equal(o.apiPort, 0);
  assert.deepEqual(o.manifests, ['a.yaml', 'dir/']);
  assert.equal(o.nodeName, 'n1');
  assert.equal(o.logLevel, 'debug');
});

const bad = [
  { desc: 'api-addr without port', args: ['--api-addr', '127.0.0.1'], want: /invalid --api-addr/ },
  { desc: 'reversed port range', args: ['--node-port-range', '32767-30000'], want: /invalid --node-port-range/ },
  { desc: 'node-ip not an IP', args: ['--node-ip', 'localhost'], want: /invalid --node-ip/ },
  { desc: 'unknown flag', args: ['--bogus'], want: /unknown flag: --bogus/ },
];
for (const c of bad) test(`serveOptions rejects ${c.desc}`, () => assert.throws(() => serveOptions(c.args), { message: c.want }));

test('parseHostPort: IPv6', () => assert.deepEqual(parseHostPort('[::1]:6443'), { host: '::1', port: 6443 }));
test('parsePortRange', () => assert.deepEqual(parsePortRange('30000-30009'), { base: 30000, size: 10 }));
