// delete is `portico delete TYPE NAME...`, `TYPE/NAME...` or `-f PATH`: prints `service "nginx" deleted`
// per object, reports a missing one as kubectl does, and returns the exit code.
import type { ResourceInfo } from '../api/scheme.ts';
import { isApiError } from '../lib/errors.ts';
import { errorLines } from './errors.ts';
import { parseGetTargets } from './get-command.ts';
import type { CommandIO } from './apply-command.ts';
import { loadManifests, ManifestError } from './manifests.ts';
import type { ObjectClient } from './object-client.ts';
import { resourceOfManifest } from './resources.ts';

interface Target { info: ResourceInfo; namespace: string | undefined; name: string; source?: string }

function deletedName(info: ResourceInfo, name: string): string {
  const k = info.kind.toLowerCase();
  return `${info.group ? `${k}.${info.group}` : k} "${name}" deleted`;
}

async function deleteTargets(client: ObjectClient, targets: Target[], io: CommandIO): Promise<number> {
  let code = 0;
  for (const t of targets) {
    try {
      await client.delete(t.info, t.namespace, t.name);
      io.out(deletedName(t.info, t.name));
    } catch (e) {
      code = 1;
      if (t.source) { for (const l of errorLines(t.source, t.info, t.info.kind, t.name, e)) io.err(l); continue; }
      io.err(isApiError(e) ? `Error from server (${e.reason}): ${e.message}` : `error: ${String(e)}`);
    }
  }
  return code;
}

// deleteByName deletes the objects named on the command line.
export function deleteByName(client: ObjectClient, args: readonly string[], io: CommandIO): Promise<number> {
  const targets: Target[] = [];
  for (const r of parseGetTargets(args)) {
    if (r.names.length === 0) { io.err('error: resource(s) were provided, but no name was specified'); return Promise.resolve(1); }
    for (const name of r.names) targets.push({ info: r.info, namespace: r.info.namespaced ? io.namespace : undefined, name });
  }
  return deleteTargets(client, targets, io);
}

// deleteByFile deletes every object of the manifests.
export async function deleteByFile(client: ObjectClient, paths: readonly string[], io: CommandIO): Promise<number> {
  let manifests;
  try { manifests = loadManifests(paths, io.stdin); } catch (e) {
    if (e instanceof ManifestError) { io.err(`error: ${e.message}`); return 1; }
    throw e;
  }
  const targets: Target[] = [];
  for (const m of manifests) {
    const info = resourceOfManifest(m.obj.apiVersion, m.obj.kind);
    if (!info) { io.err(`error: ${m.source}: no matches for kind "${m.obj.kind ?? ''}" in version "${m.obj.apiVersion ?? ''}"`); continue; }
    targets.push({ info, namespace: info.namespaced ? (m.obj.metadata?.namespace ?? io.namespace) : undefined, name: m.obj.metadata?.name ?? '', source: m.source });
  }
  return deleteTargets(client, targets, io);
}
