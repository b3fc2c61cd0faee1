// followLog streams a container log file as `kubectl logs` shows it: the last tailLines lines (all when
// unset), optional timestamps, and with follow the lines appended while the same container instance
// runs (polled every 100 ms; the stream ends when the instance exits or the signal aborts).
import { open } from 'node:fs/promises';
import type { LogOptions } from '../api/types.ts';
import { parseLogLine } from './container-log.ts';

export type { LogOptions };

const POLL_MS = 100;

export async function* followLog(path: string, o: LogOptions, alive: () => boolean, signal: AbortSignal): AsyncGenerator<string> {
  let offset = 0;
  let rest = '';
  let first = true;
  let sent = 0;
  for (;;) {
    const stillAlive = alive();       // read after checking, so the last lines of an ended run are kept
    const { text, size } = await readFrom(path, offset);
    offset = size;
    const lines = (rest + text).split('\n');
    rest = lines.pop() ?? '';
    let chosen = lines;
    if (first && o.tailLines !== undefined) chosen = o.tailLines <= 0 ? [] : lines.slice(-o.tailLines);
    first = false;
    const out = chosen.map((l) => format(l, o.timestamps ?? false)).join('');
    if (out) {
      const limited = o.limitBytes !== undefined ? out.slice(0, Math.max(0, o.limitBytes - sent)) : out;
      sent += limited.length;
      if (limited) yield limited;
      if (o.limitBytes !== undefined && sent >= o.limitBytes) return;
    }
    if (!o.follow || !stillAlive || signal.aborted) return;
    await new Promise<void>((r) => { const t = setTimeout(r, POLL_MS); signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true }); });
  }
}

function format(line: string, timestamps: boolean): string {
  const p = parseLogLine(line);
  if (!p) return `${line}\n`;
  return timestamps ? `${p.ts} ${p.text}\n` : `${p.text}\n`;
}

async function readFrom(path: string, offset: number): Promise<{ text: string; size: number }> {
  let fh;
  try { fh = await open(path, 'r'); } catch { return { text: '', size: offset }; }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return { text: '', size: offset };
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return { text: buf.toString('utf8'), size };
  } finally {
    await fh.close();
  }
}
