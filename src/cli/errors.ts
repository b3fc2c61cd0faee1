// errorLine renders an API failure for one manifest the way Portico's CLI reports it: the file, the
// object, then one line per bad field ("spec.ports[0].port: Invalid value: 0: ...").
import type { ResourceInfo } from '../api/scheme.ts';
import { isApiError } from '../lib/errors.ts';

export function errorLines(source: string, info: ResourceInfo | undefined, kind: string, name: string, e: unknown): string[] {
  const obj = `${info?.kind ?? kind} "${name}"`;
  if (isApiError(e)) {
    const causes = e.details?.causes ?? [];
    if (e.reason === 'Invalid' && causes.length > 0) {
      return causes.map((c) => `error: ${source}: ${obj}: ${c.field ? `${c.field}: ` : ''}${c.message}`);
    }
    return [`error: ${source}: ${obj}: ${e.message}`];
  }
  return [`error: ${source}: ${obj}: ${e instanceof Error ? e.message : String(e)}`];
}
