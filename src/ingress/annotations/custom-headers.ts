// The custom-headers family: the annotation names a ConfigMap ("ns/name", or "name" in the Ingress's
// namespace) whose data entries become response headers.
import type { AnnotationFamily } from './family.ts';
import { isHeaderName, isHeaderValue } from './values.ts';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const customHeadersFamily: AnnotationFamily = {
  name: 'custom-headers',
  keys: ['custom-headers'],
  parse(input, config) {
    const raw = input.get('custom-headers')?.trim();
    if (raw === undefined) return;
    const parts = raw.split('/');
    const [ns, name] = parts.length === 2 ? parts : [input.lookups.namespace, parts[0]];
    if (parts.length > 2 || ns === undefined || name === undefined || !NAME.test(ns) || !NAME.test(name)) {
      input.invalid('custom-headers', 'must name a ConfigMap as "namespace/name" or "name"');
      return;
    }
    const data = input.lookups.configMap(ns, name);
    if (data === undefined) {
      input.invalid('custom-headers', `ConfigMap ${ns}/${name} not found`);
      return;
    }
    const headers: Record<string, string> = {};
    const bad: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      if (isHeaderName(k) && isHeaderValue(v)) headers[k] = v;
      else bad.push(k);
    }
    if (bad.length > 0) input.invalid('custom-headers', `ConfigMap ${ns}/${name}: ${bad.map((b) => JSON.stringify(b)).join(', ')} skipped: not a valid header name or value`);
    config.customHeaders = headers;
  },
};
