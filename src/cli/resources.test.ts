import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveResource, resolveTypes } from './resources.ts';

const cases = [
  { in: 'svc', want: 'services' }, { in: 'Service', want: 'services' }, { in: 'SERVICES', want: 'services' },
  { in: 'ep', want: 'endpoints' }, { in: 'po', want: 'pods' }, { in: 'ing', want: 'ingresses' }, { in: 'ns', want: 'namespaces' },
  { in: 'deploy', want: 'deployments' }, { in: 'endpointslice', want: 'endpointslices' }, { in: 'ingresses.networking.k8s.io', want: 'ingresses' },
];
for (const c of cases) test(`resolveResource ${c.in}`, () => assert.equal(resolveResource(c.in).resource, c.want));

test('ingress resolves to networking.k8s.io, not the legacy extensions', () => assert.equal(resolveResource('ingress').group, 'networking.k8s.io'));
test('comma lists', () => assert.deepEqual(resolveTypes('svc,endpoints').map((r) => r.resource), ['services', 'endpoints']));
test('unknown type', () => assert.throws(() => resolveResource('gadget'), /the server doesn't have a resource type "gadget"/));
