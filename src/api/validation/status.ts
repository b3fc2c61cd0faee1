// Status validation shared by Service and Ingress (status.loadBalancer.ingress).
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateIP } from './ip.ts';
import { validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Subdomain } from './names.ts';

interface LBIngress { ip?: string; hostname?: string; ipMode?: string }

// validateLoadBalancerStatus checks status.loadBalancer.ingress[*].ip and .hostname on a status update.
export function validateLoadBalancerStatus(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const status = obj.status as { loadBalancer?: { ingress?: LBIngress[] } } | undefined;
  (status?.loadBalancer?.ingress ?? []).forEach((ing, i) => {
    const p = `status.loadBalancer.ingress[${i}]`;
    if (ing.ip) errs.push(...validateIP(ing.ip, `${p}.ip`));
    if (ing.hostname) {
      errs.push(...isDNS1123Subdomain(ing.hostname).map((m) => field.invalid(`${p}.hostname`, ing.hostname, m)));
      if (validateIP(ing.hostname, p).length === 0) errs.push(field.invalid(`${p}.hostname`, ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
