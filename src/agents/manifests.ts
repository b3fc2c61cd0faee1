// applyManifests applies serve's -f manifests through the registry, with the CLI's client-side apply,
// after bootstrap. A bad manifest is logged (with its file, object and field) and skipped.
import type { Logger } from 'pino';
import type { Registry } from '../apiserver/registry/types.ts';
import { applyAll } from '../cli/apply-command.ts';
import { RegistryObjectClient } from './registry-client.ts';

export async function applyManifests(registry: Registry, paths: readonly string[], log: Logger): Promise<void> {
  if (paths.length === 0) return;
  const lines: string[] = [];
  const errors: string[] = [];
  await applyAll(new RegistryObjectClient(registry), paths, { namespace: 'default', out: (l) => lines.push(l), err: (l) => errors.push(l) });
  for (const l of lines) log.info({ event: 'manifestApplied', result: l });
  for (const l of errors) log.error({ event: 'manifestFailed', error: l });
}
