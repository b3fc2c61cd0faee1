import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './manifests.ts';

const cases = [
  { desc: 'multi-document, empty documents skipped', in: 'kind: A\n---\n---\nkind: B\n', want: [{ line: 1, kind: 'A' }, { line: 4, kind: 'B' }] },
  { desc: 'List is flattened', in: 'kind: List\nitems:\n- kind: A\n- kind: B\n', want: [{ line: 1, kind: 'A' }, { line: 1, kind: 'B' }] },
  { desc: 'integer keys become strings', in: 'kind: ConfigMap\ndata:\n  27017: "x"\n', want: [{ line: 1, kind: 'ConfigMap' }] },
];
for (const c of cases) {
  test(`parseManifests: ${c.desc}`, () => {
    assert.deepEqual(parseManifests(c.in, 'f.yaml').map((m) => ({ line: m.line, kind: m.obj.kind })), c.want);
  });
}

test('parseManifests: integer map keys are strings', () => {
  const [m] = parseManifests('kind: ConfigMap\ndata:\n  27017: "x"\n', 'f.yaml');
  assert.deepEqual(m?.obj['data'], { '27017': 'x' });
});

const errors = [
  { desc: 'bad indentation', in: 'a:\n  - b: 1\n   c: 2\n', want: /^error parsing f\.yaml: yaml: line 3: / },
  { desc: 'duplicate key', in: 'a: 1\na: 2\n', want: /^error parsing f\.yaml: yaml: line 2: / },
  { desc: 'not an object', in: '- 1\n', want: /^error parsing f\.yaml: line 1: a document must be an object$/ },
];
for (const c of errors) test(`parseManifests error: ${c.desc}`, () => assert.throws(() => parseManifests(c.in, 'f.yaml'), { message: c.want }));
