// defaultDeps wires the registry to the real strategies, decoder, conversion, patching, selectors and
// allocators.
import { toStorage, fromStorage } from '../../api/conversion.ts';
import { decodeErrors } from '../../api/decode.ts';
import { parseFieldSelector } from '../../api/fields.ts';
import { parseSelector } from '../../api/labels.ts';
import { apiVersionOf, storageInfo, type ResourceInfo } from '../../api/scheme.ts';
import { strategyFor } from '../../api/strategies.ts';
import { ClusterIPAllocator, PortAllocator } from '../../ipam/index.ts';
import { applyPatch } from '../patch/index.ts';
import type { RegistryDeps, Selector } from './deps.ts';

export function defaultDeps(): RegistryDeps {
  return {
    strategyFor,
    decodeErrors,
    applyPatch,
    toStorage: (obj, info) => toStorage(apiVersionOf(info), info.kind, obj),
    fromStorage: (obj, info) => fromStorage(apiVersionOf(info), info.kind, obj),
    selector,
    newIPAllocator: (cidr) => new ClusterIPAllocator({ cidr }),
    newPortAllocator: (range) => new PortAllocator(range),
  };
}

// selector compiles a query's label and field selectors (400 on a malformed or unsupported one).
function selector(info: ResourceInfo, labelSelector: string | undefined, fieldSelector: string | undefined): Selector {
  const labels = parseSelector(labelSelector);
  const s = storageInfo(info);
  const fields = parseFieldSelector(fieldSelector, { group: s.group, kind: s.kind });
  if (labels.empty() && fields.empty()) return () => true;
  return (obj) => labels.matches(obj.metadata?.labels) && fields.matches(obj);
}
