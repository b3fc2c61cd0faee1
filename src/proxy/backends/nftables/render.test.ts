// Golden tests of the rendered ruleset: each case's plan is applied through a NftablesBackend over a
// FakeNftRunner, and the recorded script must equal testdata/<name>.nft (UPDATE_GOLDEN=1 rewrites them).
// Then incremental applies (a changed plan gives only the difference) and conntrack clearing for UDP.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { EndpointInfo } from '../../model/endpoint.ts';
import { FakeConntrack } from './conntrack.ts';
import { cases, ep, plan, two } from './golden-cases.ts';
import type { L } from './golden-cases.ts';
import { NftablesBackend } from './nftables-backend.ts';
import { FakeNftRunner } from './nft-runner.ts';

function golden(name: string, got: string): void {
  const file = new URL(`./testdata/${name}.nft`, import.meta.url);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, got);
  assert.equal(got, readFileSync(file, 'utf8'));
}

function backend(): { b: NftablesBackend; runner: FakeNftRunner; ct: FakeConntrack } {
  const runner = new FakeNftRunner(), ct = new FakeConntrack();
  return { b: new NftablesBackend({ table: 'portico', runner, conntrack: ct }), runner, ct };
}

describe('nftables ruleset (golden)', () => {
  for (const c of cases) {
    test(c.desc, async () => {
      const { b, runner } = backend();
      await b.apply(plan(c.in), new AbortController().signal);
      assert.equal(runner.scripts.length, 1);
      golden(c.name, runner.scripts[0] ?? '');
    });
  }
});

describe('nftables incremental apply', () => {
  const signal = new AbortController().signal;

  test('the same plan again runs nothing', async () => {
    const { b, runner } = backend();
    await b.apply(plan(cases[0]?.in ?? []), signal);
    await b.apply(plan(cases[0]?.in ?? []), signal);
    assert.equal(runner.scripts.length, 1);
  });

  test('an endpoint leaving rewrites only its Service chain and deletes its endpoint chain', async () => {
    const { b, runner } = backend();
    await b.apply(plan([{ ip: '10.96.0.10', at: 80, eps: two }, { svc: 'other', ip: '10.96.0.20', at: 80, eps: two }]), signal);
    await b.apply(plan([{ ip: '10.96.0.10', at: 80, eps: [ep('10.244.0.1')] }, { svc: 'other', ip: '10.96.0.20', at: 80, eps: two }]), signal);
    golden('endpoint-removed', runner.scripts[1] ?? '');
  });

  test('a Service losing all endpoints moves to no-endpoint-services; deleting it removes everything', async () => {
    const { b, runner } = backend();
    await b.apply(plan([{ ip: '10.96.0.12', at: 80, eps: two, affinity: 60 }]), signal);
    await b.apply(plan([{ ip: '10.96.0.12', at: 80, eps: [] }]), signal);
    await b.apply(plan([]), signal);
    golden('to-empty', runner.scripts[1] ?? '');
    golden('deleted', runner.scripts[2] ?? '');
  });

  test('a failed transaction makes the next apply recreate the whole table', async () => {
    const { b, runner } = backend();
    await b.apply(plan(cases[0]?.in ?? []), signal);
    runner.failNext = new Error('boom');
    await assert.rejects(b.apply(plan(cases[1]?.in ?? []), signal), /boom/);
    await b.apply(plan(cases[1]?.in ?? []), signal);
    assert.match(runner.scripts[1] ?? '', /^add table ip portico\ndelete table ip portico\n/);
  });

  test('cleanup deletes the table', async () => {
    const { b, runner } = backend();
    await b.apply(plan(cases[0]?.in ?? []), signal);
    await b.cleanup();
    assert.equal(runner.scripts.at(-1), 'add table ip portico\ndelete table ip portico\n');
  });

  test('the PROXY protocol annotation is reported once as ignored', async () => {
    const events: string[] = [];
    const b = new NftablesBackend({ runner: new FakeNftRunner(), conntrack: new FakeConntrack(), events: { recordEvent: (_s, type, reason) => events.push(`${type} ${reason}`) } });
    const p = plan([{ ip: '10.96.0.30', at: 80, eps: two, proxyProtocol: 'v1' }]);
    await b.apply(p, signal);
    await b.apply(p, signal);
    assert.deepEqual(events, ['Normal ProxyProtocolIgnored']);
  });
});

describe('nftables UDP conntrack clearing', () => {
  const signal = new AbortController().signal;
  const dns = (eps: EndpointInfo[]): L => ({ svc: 'dns', port: 'dns', protocol: 'UDP', ip: '10.96.0.10', at: 53, eps });
  const cases2: { desc: string; steps: EndpointInfo[][]; want: string[] }[] = [
    { desc: 'first apply clears nothing', steps: [[ep('10.244.0.1', 53)]], want: [] },
    { desc: 'an endpoint leaving: its flows', steps: [[ep('10.244.0.1', 53), ep('10.244.0.2', 53)], [ep('10.244.0.2', 53)]], want: ['10.96.0.10:53<-10.244.0.1'] },
    { desc: 'endpoints appearing: every flow to the Service (they were never NATed)', steps: [[], [ep('10.244.0.1', 53)]], want: ['10.96.0.10:53<-*'] },
    { desc: 'unchanged: nothing', steps: [[ep('10.244.0.1', 53)], [ep('10.244.0.1', 53)]], want: [] },
  ];
  for (const c of cases2) {
    test(c.desc, async () => {
      const { b, ct } = backend();
      for (const s of c.steps) await b.apply(plan([dns(s)]), signal);
      assert.deepEqual(ct.deleted.map((f) => `${f.origDst}:${f.origPort}<-${f.replySrc ?? '*'}`), c.want);
    });
  }
});

test('NftablesBackend refuses a table name nft would not parse', () => {
  assert.throws(() => new NftablesBackend({ table: 'bad name; flush ruleset', runner: new FakeNftRunner() }), /invalid table name/);
});

test('the first apply of a large plan is cut into transactions; only the first recreates the table', async () => {
  const runner = new FakeNftRunner();
  const b = new NftablesBackend({ runner, conntrack: new FakeConntrack() });
  const ls: L[] = Array.from({ length: 1200 }, (_, i) => ({ svc: `s${i}`, ip: `10.96.${i >> 8}.${i & 255}`, at: 80, eps: [ep('10.244.0.1')] }));
  await b.apply(plan(ls), new AbortController().signal);
  assert.equal(runner.scripts.length, 3);
  assert.deepEqual(runner.scripts.map((s) => s.startsWith('add table ip portico\ndelete table ip portico\n')), [true, false, false]);
  assert.deepEqual(runner.scripts.map((s) => (s.match(/^add element ip portico service-ips/gm) ?? []).length), [1, 1, 1]);
  assert.equal(b.appliedRuleset()?.elements.get('service-ips')?.size, 1200);
  runner.scripts.length = 0;
  await b.apply(plan(ls), new AbortController().signal);
  assert.equal(runner.scripts.length, 0, 'the merged model equals the whole plan\'s');
});
