// serve's data-plane flags: parsed into ServeOptions (table), refused with one line naming the flag, and
// a taken --dns-addr fails the real command with exit code 1 and one line.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, test } from 'node:test';
import { serveOptions } from '../src/cli/serve-command.ts';
import { nftablesProblem } from '../src/proxy/backends/nftables/index.ts';
import { exec, NODE, PORTICO, tempDir } from './harness.ts';

const parsed = [
  { desc: 'defaults: DNS on 127.0.0.1:10053 (resolv.conf upstreams), userspace proxy', in: [], want: { dns: { host: '127.0.0.1', port: 10053 }, proxy: { mode: 'userspace' } } },
  { desc: '--dns-addr and an upstream list', in: ['--dns-addr', '127.0.0.2:0', '--dns-upstream', '127.0.0.53,[::1]:5353,127.0.0.9:5300'],
    want: { dns: { host: '127.0.0.2', port: 0, upstreams: [{ host: '127.0.0.53', port: 53 }, { host: '::1', port: 5353 }, { host: '127.0.0.9', port: 5300 }] }, proxy: { mode: 'userspace' } } },
  { desc: '--dns-upstream none forwards nowhere', in: ['--dns-upstream', 'none'], want: { dns: { host: '127.0.0.1', port: 10053, upstreams: [] }, proxy: { mode: 'userspace' } } },
  { desc: '--disable-dns --disable-proxy', in: ['--disable-dns', '--disable-proxy'], want: {} },
  { desc: '--proxy-mode userspace', in: ['--proxy-mode=userspace'], want: { dns: { host: '127.0.0.1', port: 10053 }, proxy: { mode: 'userspace' } } },
  ...(nftablesProblem() ? [] : [{ desc: '--proxy-mode nftables (root, nft present)', in: ['--proxy-mode', 'nftables'], want: { dns: { host: '127.0.0.1', port: 10053 }, proxy: { mode: 'nftables' } } }]),
];
for (const c of parsed) {
  test(`serve flags: ${c.desc}`, () => {
    const o = serveOptions(c.in);
    assert.deepEqual({ ...(o.dns ? { dns: o.dns } : {}), ...(o.proxy ? { proxy: o.proxy } : {}) }, c.want);
  });
}

const refused = [
  { desc: 'unknown proxy mode', in: ['--proxy-mode', 'ipvs'], want: 'invalid --proxy-mode "ipvs": want one of userspace, nftables' },
  ...(nftablesProblem() ? [{ desc: 'nftables proxy mode where it cannot run', in: ['--proxy-mode', 'nftables'], want: `--proxy-mode nftables: ${nftablesProblem()}` }] : []),
  { desc: 'dns-addr without a port', in: ['--dns-addr', '127.0.0.1'], want: 'invalid --dns-addr "127.0.0.1": want HOST:PORT' },
  { desc: 'dns-addr with a host name', in: ['--dns-addr', 'localhost:53'], want: 'invalid --dns-addr "localhost:53": the host must be an IP address' },
  { desc: 'dns-upstream with a name', in: ['--dns-upstream', '127.0.0.1,dns.google'], want: 'invalid --dns-upstream "127.0.0.1,dns.google": want IP[:PORT],... or none' },
  { desc: 'dns-upstream with port 0', in: ['--dns-upstream', '127.0.0.1:0'], want: 'invalid --dns-upstream "127.0.0.1:0": want IP[:PORT],... or none' },
];
for (const c of refused) test(`serve refuses ${c.desc}`, () => assert.throws(() => serveOptions(c.in), { message: c.want }));

describe('serve on a taken --dns-addr', { timeout: 90_000 }, () => {
  test('exits 1 with one error line naming the flag', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    const port = taken.address().port;
    try {
      const r = await exec(NODE, [PORTICO, 'serve', '--api-addr', '127.0.0.1:0', '--data-dir', tempDir(), '--disable-proxy', '--dns-upstream', 'none', '--dns-addr', `127.0.0.1:${port}`], { timeoutMs: 80_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${port} \\(--dns-addr\\): address already in use$`, 'm'));
      assert.equal(r.stdout, '', 'nothing claims to listen');
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
