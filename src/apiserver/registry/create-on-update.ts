// allowsCreateOnUpdate is each kind's strategy.AllowCreateOnUpdate() in kube-apiserver: a PUT to a
// missing object of these kinds creates it.
import type { ResourceInfo } from '../../api/scheme.ts';
import { storageInfo } from '../../api/scheme.ts';

const CREATE_ON_UPDATE = new Set([
  '/services', '/endpoints', '/events', 'discovery.k8s.io/endpointslices', 'coordination.k8s.io/leases',
]);

export function allowsCreateOnUpdate(info: ResourceInfo): boolean {
  const s = storageInfo(info);
  return CREATE_ON_UPDATE.has(`${s.group}/${s.resource}`);
}
