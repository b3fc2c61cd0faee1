// main is the `portico` command: serve, apply, get, describe, delete, logs, version. It returns the exit code;
// every user-facing failure is one "error: ..." line on stderr and exit code 1.
import { isApiError } from '../lib/errors.ts';
import { applyAll } from './apply-command.ts';
import type { CommandIO } from './apply-command.ts';
import { flag, flagAll, flagBool, parseArgs } from './args.ts';
import type { FlagSpec, ParsedArgs } from './args.ts';
import { deleteByFile, deleteByName } from './delete-command.ts';
import { runDescribe } from './describe-command.ts';
import { parseGetTargets, runGet } from './get-command.ts';
import { HttpObjectClient } from './http-client.ts';
import { runLogs } from './logs-command.ts';
import { resolveTarget } from './kubeconfig.ts';
import { CliError, resolveResource } from './resources.ts';

export const VERSION = '0.1.0';

export interface MainIO { out: (text: string) => void; err: (text: string) => void; stdin?: () => string }

const CLIENT_FLAGS: FlagSpec[] = [
  { names: ['--kubeconfig'] }, { names: ['--server', '-s'] }, { names: ['-n', '--namespace'] },
  { names: ['-A', '--all-namespaces'], boolean: true }, { names: ['-o', '--output'] }, { names: ['-l', '--selector'] },
  { names: ['-f', '--filename'], repeatable: true },
];

const USAGE = `Usage: portico COMMAND [flags]
  serve                      run the API server, store and controllers (--data-dir, --api-addr, -f ...)
  apply -f PATH              create or update objects from a file, folder or - (stdin)
  get TYPE[/NAME] [NAME...]  list objects (-n NS | -A, -o wide|yaml|json|name, -l selector)
  describe TYPE NAME         show one object in detail
  delete TYPE NAME | -f PATH delete objects
  logs POD [-c C] [-f] [-p]  print a pod's log (--tail N, --since 5m, --timestamps)
  version                    print the version
Global flags: --kubeconfig PATH (default $KUBECONFIG, else .portico/kubeconfig), --server URL`;

interface Ctx { client: HttpObjectClient; namespace: string; explicitNs: boolean; p: ParsedArgs; io: MainIO }

function clientContext(argv: readonly string[], io: MainIO): Ctx {
  const p = parseArgs(argv, CLIENT_FLAGS);
  const t = resolveTarget({ server: flag(p, 'server'), kubeconfig: flag(p, 'kubeconfig'), namespace: flag(p, 'namespace') });
  return { client: new HttpObjectClient(t.server), namespace: t.namespace, explicitNs: t.explicitNs, p, io };
}

function commandIO(c: Ctx): CommandIO {
  return { namespace: c.namespace, explicitNamespace: c.explicitNs, out: (l) => c.io.out(l + '\n'), err: (l) => c.io.err(l + '\n'), ...(c.io.stdin ? { stdin: c.io.stdin } : {}) };
}

const COMMANDS: Record<string, (c: Ctx) => Promise<number>> = {
  apply: (c) => {
    const files = flagAll(c.p, 'filename');
    if (files.length === 0) throw new CliError('must specify one of -f and -k');
    return applyAll(c.client, files, commandIO(c));
  },
  get: (c) => runGet(c.client, parseGetTargets(c.p.positionals), {
    namespace: c.namespace, allNamespaces: flagBool(c.p, 'all-namespaces'), output: flag(c.p, 'output') ?? '',
    ...(flag(c.p, 'selector') ? { selector: flag(c.p, 'selector') ?? '' } : {}),
    out: c.io.out, err: (l) => c.io.err(l + '\n'),
  }),
  describe: async (c) => {
    const [type, name] = c.p.positionals;
    if (!type || !name) throw new CliError('describe needs TYPE NAME');
    const info = resolveResource(type);
    c.io.out(await runDescribe(c.client, info, info.namespaced ? c.namespace : undefined, name));
    return 0;
  },
  delete: (c) => {
    const files = flagAll(c.p, 'filename');
    if (files.length > 0) return deleteByFile(c.client, files, commandIO(c));
    if (c.p.positionals.length === 0) throw new CliError('You must provide one or more resources by argument or filename.');
    return deleteByName(c.client, c.p.positionals, commandIO(c));
  },
};

const VALUE_FLAGS = new Set(['--kubeconfig', '--server', '-s', '-n', '--namespace']);

// splitCommand finds the command word: global flags may come before it (`portico --kubeconfig k get svc`).
export function splitCommand(argv: readonly string[]): { cmd: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (VALUE_FLAGS.has(a)) { i++; continue; }
    if (a.startsWith('-') && a.includes('=')) continue;
    return { cmd: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { cmd: undefined, rest: [...argv] };
}

// main runs one command line (argv without node and the script).
export async function main(argv: readonly string[], io: MainIO): Promise<number> {
  const { cmd, rest } = splitCommand(argv);
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') { io.out(USAGE + '\n'); return cmd === undefined ? 1 : 0; }
    if (cmd === 'version') { io.out(`portico version ${VERSION}\n`); return 0; }
    if (cmd === 'logs') return await runLogs(rest, io.out);
    if (cmd === 'serve') return await (await import('./serve-command.ts')).serveCommand(rest, io.out); // lazy: clients need no server stack
    const run = COMMANDS[cmd];
    if (!run) throw new CliError(`unknown command "${cmd}" for "portico"\n${USAGE}`);
    return await run(clientContext(rest, io));
  } catch (e) {
    if (e instanceof CliError) { io.err(`error: ${e.message}\n`); return 1; }
    if (isApiError(e)) { io.err(`Error from server (${e.reason}): ${e.message}\n`); return 1; }
    throw e;
  }
}
