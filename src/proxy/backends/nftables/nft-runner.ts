// NftRunner is the only way the nftables backend touches the kernel: one `nft -f -` transaction per call.
// ExecNftRunner spawns nft; FakeNftRunner records the scripts (golden tests).
import { spawn } from 'node:child_process';

export interface NftRunner {
  // run applies script as one transaction (`nft -f -`): all of it or, on error, none of it.
  run(script: string): Promise<void>;
  // list returns `nft list table ip <table>`, or undefined when the table does not exist.
  list(table: string): Promise<string | undefined>;
}

// NftError is a failed nft invocation; stderr is nft's own message (it names the failing line).
export class NftError extends Error {
  readonly code = 'NFT_FAILED';
  readonly stderr: string;
  constructor(what: string, stderr: string) {
    super(`${what}: ${stderr.trim().split('\n').slice(0, 4).join(' | ')}`);
    this.stderr = stderr;
  }
}

export interface ExecResult { code: number | null; stdout: string; stderr: string }

// execWithInput runs bin with args, writes input to its stdin, and collects its output; it rejects only
// when bin cannot be started (ENOENT and the like).
export function execWithInput(bin: string, args: readonly string[], input: string, timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '', stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.stdin.on('error', () => {}); // EPIPE when nft exits early; its stderr says why
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

// ExecNftRunner runs the nft binary (default `nft` on PATH).
export class ExecNftRunner implements NftRunner {
  readonly #bin: string;
  constructor(opts: { bin?: string } = {}) { this.#bin = opts.bin ?? 'nft'; }

  async run(script: string): Promise<void> {
    const r = await execWithInput(this.#bin, ['-f', '-'], script);
    if (r.code !== 0) throw new NftError('nft -f -', r.stderr);
  }

  async list(table: string): Promise<string | undefined> {
    const r = await execWithInput(this.#bin, ['list', 'table', 'ip', table], '');
    if (r.code === 0) return r.stdout;
    if (/No such file or directory/.test(r.stderr)) return undefined;
    throw new NftError(`nft list table ip ${table}`, r.stderr);
  }
}

// FakeNftRunner records every script; failNext makes the next run reject (retry paths).
export class FakeNftRunner implements NftRunner {
  readonly scripts: string[] = [];
  failNext: Error | undefined;

  run(script: string): Promise<void> {
    const err = this.failNext;
    this.failNext = undefined;
    if (err) return Promise.reject(err);
    this.scripts.push(script);
    return Promise.resolve();
  }

  list(): Promise<string | undefined> { return Promise.resolve(this.scripts.at(-1)); }
}
