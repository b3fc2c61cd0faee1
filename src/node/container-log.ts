// ContainerLog keeps one container's log in the data dir, as the kubelet does under /var/log/pods:
// `current.log` for the running (or last) instance and `previous.log` for the one before. Each line is
// stored as "<RFC3339Nano timestamp> <stream> <text>" so the log endpoint can honour `timestamps`.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ContainerLog {
  readonly dir: string;
  readonly #partial = new Map<string, string>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  get currentPath(): string { return join(this.dir, 'current.log'); }
  get previousPath(): string { return join(this.dir, 'previous.log'); }

  // rotate starts a new instance's log: current becomes previous.
  rotate(): void {
    if (existsSync(this.currentPath)) renameSync(this.currentPath, this.previousPath);
    writeFileSync(this.currentPath, '');
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = (this.#partial.get(stream) ?? '') + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#partial.set(stream, lines.pop() ?? '');
    if (lines.length > 0) this.#append(stream, lines);
  }

  // flush writes partial lines (the process ended without a newline).
  flush(): void {
    for (const [stream, rest] of this.#partial) if (rest !== '') this.#append(stream, [rest]);
    this.#partial.clear();
  }

  remove(): void { rmSync(this.dir, { recursive: true, force: true }); }

  #append(stream: string, lines: string[]): void {
    const ts = nanoTimestamp();
    try { appendFileSync(this.currentPath, lines.map((l) => `${ts} ${stream} ${l}\n`).join('')); } catch { /* pod removed meanwhile */ }
  }
}

// nanoTimestamp is RFC 3339 with nanoseconds, as the CRI log format and `kubectl logs --timestamps` show.
export function nanoTimestamp(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

// parseLogLine splits a stored line into its timestamp and text (undefined for a malformed line).
export function parseLogLine(line: string): { ts: string; text: string } | undefined {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  return { ts: line.slice(0, a), text: line.slice(b + 1) };
}
