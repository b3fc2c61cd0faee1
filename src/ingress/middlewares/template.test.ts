import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestContext } from './fake-context.ts';
import { Template } from './template.ts';

const match = /\/something(\/|$)(.*)/.exec('/something/new/path');
const cases = [
  { desc: 'a literal', src: '/', want: '/' },
  { desc: 'capture groups', src: '/$2', want: '/new/path' },
  { desc: 'capture groups side by side', src: '/x$1$2', want: '/x/new/path' },
  { desc: 'a missing group is empty', src: '/$5', want: '/' },
  { desc: 'nginx variables', src: 'https://example.org$request_uri', want: 'https://example.org/something/new/path?q=1' },
  { desc: 'braced variables', src: '${scheme}://${host}/x', want: 'http://example.com/x' },
  { desc: 'an unknown variable stays literal', src: '/$foo/$1', want: '/$foo//' },
];

for (const c of cases) {
  test(`Template: ${c.desc}`, () => {
    const ctx = newRequestContext({ path: '/something/new/path', query: '?q=1', match });
    assert.equal(new Template(c.src).render(ctx), c.want);
  });
}

test('Template: a trailing ? drops the query; a query in the target is noted', () => {
  assert.equal(new Template('/x?').dropArgs, true);
  assert.equal(new Template('/x?').source, '/x');
  assert.equal(new Template('/x?a=1').hasQuery, true);
});
