// nftablesProblem says why the nftables backend cannot run here (one line for the CLI), or undefined.
import { spawnSync } from 'node:child_process';

export function nftablesProblem(bin = 'nft'): string | undefined {
  if (process.platform !== 'linux') return 'the nftables proxy mode needs Linux';
  if (process.getuid?.() !== 0) return 'the nftables proxy mode needs root (CAP_NET_ADMIN)';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (r.error) return `the nftables proxy mode needs the nft command (${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found: install nftables' : r.error.message})`;
  if (r.status !== 0) return `nft --version failed: ${(r.stderr || '').trim()}`;
  return undefined;
}
