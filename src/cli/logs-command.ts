// logs is `portico logs POD [-c CONTAINER] [-f] [-p] [--tail N] [--timestamps]`: the pod's log
// subresource, streamed to stdout as it arrives (kubectl logs' shape and flags).
import { flag, flagBool, parseArgs } from './args.ts';
import type { FlagSpec } from './args.ts';
import { resolveTarget } from './kubeconfig.ts';
import { CliError } from './resources.ts';
import { HttpObjectClient } from './http-client.ts';

export const LOGS_FLAGS: FlagSpec[] = [
  { names: ['--kubeconfig'] }, { names: ['--server', '-s'] }, { names: ['-n', '--namespace'] },
  { names: ['-c', '--container'] }, { names: ['-f', '--follow'], boolean: true }, { names: ['-p', '--previous'], boolean: true },
  { names: ['--tail'] }, { names: ['--timestamps'], boolean: true }, { names: ['--since'] },
];

// logsQuery turns the flags into the log subresource's query string.
export function logsQuery(o: { container?: string | undefined; follow: boolean; previous: boolean; tail?: string | undefined; timestamps: boolean; since?: string | undefined }): string {
  const q = new URLSearchParams();
  if (o.container) q.set('container', o.container);
  if (o.follow) q.set('follow', 'true');
  if (o.previous) q.set('previous', 'true');
  if (o.tail !== undefined) {
    if (!/^-?\d+$/.test(o.tail)) throw new CliError(`invalid --tail "${o.tail}": want a number`);
    if (Number(o.tail) >= 0) q.set('tailLines', o.tail);
  }
  if (o.timestamps) q.set('timestamps', 'true');
  if (o.since !== undefined) {
    const m = /^(\d+)(s|m|h)$/.exec(o.since);
    if (!m) throw new CliError(`invalid --since "${o.since}": want a duration like 10s, 5m or 1h`);
    q.set('sinceSeconds', String(Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's']!));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function runLogs(argv: readonly string[], out: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const p = parseArgs(argv, LOGS_FLAGS);
  let podArg = p.positionals[0];
  if (!podArg || p.positionals.length > 2) throw new CliError('logs needs POD [CONTAINER] (e.g. portico logs echo-7d9c-abcde)');
  if (podArg.startsWith('pod/') || podArg.startsWith('pods/')) podArg = podArg.slice(podArg.indexOf('/') + 1);
  const target = resolveTarget({ server: flag(p, 'server'), kubeconfig: flag(p, 'kubeconfig'), namespace: flag(p, 'namespace') });
  const ns = target.namespace;
  const container = flag(p, 'container') ?? p.positionals[1];
  const query = logsQuery({
    container, follow: flagBool(p, 'follow'), previous: flagBool(p, 'previous'),
    tail: flag(p, 'tail'), timestamps: flagBool(p, 'timestamps'), since: flag(p, 'since'),
  });
  const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(podArg)}/log${query}`;
  const res = await new HttpObjectClient(target.server).send('GET', path, { accept: 'text/plain, application/json', ...(signal ? { signal } : {}) });
  if (!res.body) return 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body) out(decoder.decode(chunk, { stream: true }));
  const tail = decoder.decode();
  if (tail) out(tail);
  return 0;
}
