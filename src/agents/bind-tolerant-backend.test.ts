import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { L4Backend, L4Plan } from '../proxy/index.ts';
import { BindTolerantBackend, bindErrorCodes } from './bind-tolerant-backend.ts';

const errno = (code: string) => Object.assign(new Error(code), { code });

const cases = [
  { desc: 'one EACCES', in: errno('EACCES'), want: ['EACCES'] },
  { desc: 'aggregate of bind errors', in: new AggregateError([errno('EADDRINUSE'), errno('EACCES')]), want: ['EADDRINUSE', 'EACCES'] },
  { desc: 'aggregate with another error', in: new AggregateError([errno('EACCES'), new Error('boom')]), want: undefined },
  { desc: 'a plain error', in: new Error('boom'), want: undefined },
  { desc: 'an empty aggregate', in: new AggregateError([]), want: undefined },
];
for (const c of cases) test(`bindErrorCodes: ${c.desc}`, () => assert.deepEqual(bindErrorCodes(c.in), c.want));

// failing is a recording fake backend whose apply rejects with err.
function failing(err: unknown): L4Backend & { applied: number } {
  return { applied: 0, async apply() { this.applied++; throw err; }, async cleanup() {} };
}

test('BindTolerantBackend: bind failures resolve and are logged once while unchanged', async () => {
  const warnings: unknown[] = [];
  const inner = failing(new AggregateError([errno('EACCES')]));
  const b = new BindTolerantBackend({ inner, logger: { warn: (o) => warnings.push(o), info() {} } });
  const plan = {} as L4Plan;
  await b.apply(plan, AbortSignal.timeout(1000));
  await b.apply(plan, AbortSignal.timeout(1000));
  assert.equal(inner.applied, 2);
  assert.deepEqual(warnings, [{ event: 'listenersNotBound', count: 1, codes: ['EACCES'] }]);
});

test('BindTolerantBackend: other failures still reject (the proxy retries them)', async () => {
  const b = new BindTolerantBackend({ inner: failing(new Error('nft exploded')), logger: { warn() {}, info() {} } });
  await assert.rejects(b.apply({} as L4Plan, AbortSignal.timeout(1000)), /nft exploded/);
});
