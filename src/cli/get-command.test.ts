import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGetTargets } from './get-command.ts';

const cases = [
  { desc: 'type only', in: ['svc'], want: [['services', []]] },
  { desc: 'type and names', in: ['svc', 'a', 'b'], want: [['services', ['a', 'b']]] },
  { desc: 'comma list', in: ['svc,ep'], want: [['services', []], ['endpoints', []]] },
  { desc: 'type/name pairs, grouped by type', in: ['svc/a', 'ep/a', 'svc/b'], want: [['services', ['a', 'b']], ['endpoints', ['a']]] },
  { desc: 'category all', in: ['all'], want: [['pods', []], ['services', []], ['replicationcontrollers', []], ['deployments', []], ['replicasets', []], ['daemonsets', []]] },
];
for (const c of cases) {
  test(`parseGetTargets: ${c.desc}`, () => {
    assert.deepEqual(parseGetTargets(c.in).map((r) => [r.info.resource, r.names]), c.want);
  });
}

const errors = [
  { desc: 'nothing', in: [], want: /You must specify the type of resource to get/ },
  { desc: 'mixed forms', in: ['svc', 'ep/a'], want: /there is no need to specify a resource type as a separate argument/ },
  { desc: 'unknown type', in: ['gizmo'], want: /the server doesn't have a resource type "gizmo"/ },
];
for (const c of errors) test(`parseGetTargets error: ${c.desc}`, () => assert.throws(() => parseGetTargets(c.in), { message: c.want }));
