#!/usr/bin/env node
// The `portico` command. Node 24 runs the TypeScript sources directly (type stripping).
//
// `serve` re-executes itself once (same PID, process.execve) tuned for a data plane:
// - glibc's malloc trim threshold raised: otherwise glibc hands the proxy's 64 KiB socket read buffers back
//   to the kernel and faults them in again on every read, which halves bulk throughput (bench/l4.ts);
// - the V8 flags of src/cli/serve-flags.ts (a 64 MiB young generation unless the user gave a size).
// PORTICO_MALLOC=default opts out of both; V8 flags given by the user are kept.
if (process.argv[2] === 'serve' && process.platform === 'linux' && typeof process.execve === 'function'
  && process.env.GLIBC_TUNABLES === undefined && process.env.PORTICO_MALLOC !== 'default') {
  const { serveNodeFlags } = await import('../src/cli/serve-flags.ts');
  const flags = serveNodeFlags([...process.execArgv, process.env.NODE_OPTIONS ?? '']);
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)],
    { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=268435456' });
}

const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
