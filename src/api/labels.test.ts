import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../lib/errors.ts';
import { labelSelectorAsSelector, parseSelector, selectorFromSet } from './labels.ts';

const L = { app: 'web', tier: 'front', v: '3' };

const matchCases = [
  { desc: 'empty selects all', in: '', labels: L, want: true },
  { desc: 'equality', in: 'app=web', labels: L, want: true },
  { desc: 'double equality', in: 'app==web,tier=front', labels: L, want: true },
  { desc: 'inequality on present', in: 'app!=web', labels: L, want: false },
  { desc: 'inequality on absent', in: 'zone!=a', labels: L, want: true },
  { desc: 'in', in: 'tier in (back, front)', labels: L, want: true },
  { desc: 'notin', in: 'tier notin (front)', labels: L, want: false },
  { desc: 'exists', in: 'app', labels: L, want: true },
  { desc: 'does not exist', in: '!app', labels: L, want: false },
  { desc: 'does not exist absent', in: '!zone', labels: L, want: true },
  { desc: 'gt', in: 'v>2', labels: L, want: true },
  { desc: 'lt', in: 'v<2', labels: L, want: false },
  { desc: 'no labels', in: 'app=web', labels: undefined, want: false },
  { desc: 'empty value', in: 'app=', labels: { app: '' }, want: true },
];
for (const c of matchCases) test(`match: ${c.desc}`, () => assert.equal(parseSelector(c.in).matches(c.labels), c.want));

const errorCases = [
  { desc: 'colon in key', in: 'app:monolith', want: "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" },
  { desc: 'bad operator', in: 'a b', want: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
  { desc: 'missing paren', in: 'a in x', want: "unable to parse requirement: found 'x' expected: '('" },
  { desc: 'trailing comma', in: 'a=b,', want: "found '', expected: identifier after ','" },
  { desc: 'leading operator', in: '=a', want: "found '=', expected: !, identifier, or 'end of string'" },
];
for (const c of errorCases) {
  test(`error: ${c.desc}`, () => {
    assert.throws(() => parseSelector(c.in), (e: unknown) => isApiError(e) && e.code === 400 && e.message === c.want);
  });
}

test('toString round-trips', () => {
  const s = parseSelector('tier in (front,back),app=web,!x');
  assert.equal(parseSelector(s.toString()).toString(), s.toString());
});

const objectCases = [
  { desc: 'matchLabels', in: { matchLabels: { app: 'web' } }, labels: L, want: true },
  { desc: 'In expression', in: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels: L, want: true },
  { desc: 'DoesNotExist expression', in: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels: L, want: false },
  { desc: 'empty selector selects everything', in: {}, labels: L, want: true },
  { desc: 'undefined selects nothing', in: undefined, labels: L, want: false },
];
for (const c of objectCases) test(`LabelSelector: ${c.desc}`, () => assert.equal(labelSelectorAsSelector(c.in).matches(c.labels), c.want));

test('selectorFromSet: a Service selector', () => {
  assert.equal(selectorFromSet({ app: 'web' }).matches(L), true);
  assert.equal(selectorFromSet({ app: 'api' }).matches(L), false);
  assert.equal(selectorFromSet({}).empty(), true);
});
