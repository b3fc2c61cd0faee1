// The HSTS family. ingress-nginx sets HSTS in its ConfigMap (hsts, hsts-max-age, hsts-include-subdomains,
// hsts-preload); Portico also accepts those names as annotations so one Ingress can change them.
import type { AnnotationFamily } from './family.ts';
import { read } from './family.ts';
import { parseBool, parseNonNegativeInt } from './values.ts';

export const hstsFamily: AnnotationFamily = {
  name: 'hsts',
  keys: ['hsts', 'hsts-max-age', 'hsts-include-subdomains', 'hsts-preload'],
  parse(input, config) {
    const d = config.hsts;
    config.hsts = {
      enabled: read(input, 'hsts', parseBool) ?? d.enabled,
      maxAge: read(input, 'hsts-max-age', parseNonNegativeInt) ?? d.maxAge,
      includeSubdomains: read(input, 'hsts-include-subdomains', parseBool) ?? d.includeSubdomains,
      preload: read(input, 'hsts-preload', parseBool) ?? d.preload,
    };
  },
};
