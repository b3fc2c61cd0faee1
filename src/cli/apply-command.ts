// applyAll is `portico apply -f PATH...`: every document of every file is applied in order; a failing
// document is reported and the rest still apply (as kubectl does). Returns the exit code.
import type { KubeObject } from '../api/types.ts';
import { applyObject, LAST_APPLIED } from './apply.ts';
import { errorLines } from './errors.ts';
import { loadManifests, ManifestError } from './manifests.ts';
import type { ObjectClient } from './object-client.ts';
import { kindName, resourceOfManifest } from './resources.ts';

export interface CommandIO {
  namespace: string;              // the default namespace (context's or -n)
  explicitNamespace?: boolean;    // -n was given: objects naming another namespace are refused
  out: (line: string) => void;
  err: (line: string) => void;
  stdin?: () => string;
}

export async function applyAll(client: ObjectClient, paths: readonly string[], io: CommandIO): Promise<number> {
  let manifests;
  try {
    manifests = loadManifests(paths, io.stdin);
  } catch (e) {
    if (e instanceof ManifestError) { io.err(`error: ${e.message}`); return 1; }
    throw e;
  }
  if (manifests.length === 0) { io.err('error: no objects passed to apply'); return 1; }
  let code = 0;
  for (const m of manifests) {
    const failure = await applyOne(client, m.source, m.obj, io);
    if (failure) { for (const l of failure) io.err(l); code = 1; }
  }
  return code;
}

// applyOne applies one object and prints its result line; it returns the error lines on failure.
async function applyOne(client: ObjectClient, source: string, obj: KubeObject, io: CommandIO): Promise<string[] | undefined> {
  const name = obj.metadata?.name ?? '';
  const info = resourceOfManifest(obj.apiVersion, obj.kind);
  if (!info) {
    return [`error: ${source}: resource mapping not found for name: "${name}" namespace: "${obj.metadata?.namespace ?? ''}": no matches for kind "${obj.kind ?? ''}" in version "${obj.apiVersion ?? ''}"`];
  }
  if (!name) return [`error: ${source}: ${info.kind}: metadata.name: Required value: resource name may not be empty`];
  const ns = info.namespaced ? (obj.metadata?.namespace ?? io.namespace) : undefined;
  if (info.namespaced && io.explicitNamespace && obj.metadata?.namespace && obj.metadata.namespace !== io.namespace) {
    return [`error: ${source}: ${info.kind} "${name}": the namespace from the provided object "${obj.metadata.namespace}" does not match the namespace "${io.namespace}". You must pass '--namespace=${obj.metadata.namespace}' to perform this operation.`];
  }
  const body = structuredClone(obj);
  if (ns !== undefined) body.metadata = { ...body.metadata, namespace: ns };
  try {
    const { result, adopted } = await applyObject(client, info, ns, body);
    if (adopted) {
      io.err(`Warning: resource ${info.resource}/${name} is missing the ${LAST_APPLIED} annotation which is required by apply. ` +
        'apply should only be used on resources created declaratively by either kubectl create --save-config or apply. The missing annotation will be patched automatically.');
    }
    io.out(`${kindName(info, name)} ${result}`);
    return undefined;
  } catch (e) {
    return errorLines(source, info, obj.kind ?? '', name, e);
  }
}
