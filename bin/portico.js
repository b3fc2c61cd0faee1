#!/usr/bin/env node
// The `portico` command. Node 24 runs the TypeScript sources directly (type stripping).
//
// `serve` re-executes itself once (same PID, process.execve) with glibc's malloc trim threshold raised:
// otherwise glibc hands the proxy's 64 KiB socket read buffers back to the kernel and faults them in
// again on every read, which halves bulk throughput (bench/l4.ts). PORTICO_MALLOC=default opts out.
if (process.argv[2] === 'serve' && process.platform === 'linux' && typeof process.execve === 'function'
  && process.env.GLIBC_TUNABLES === undefined && process.env.PORTICO_MALLOC !== 'default') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=268435456' });
}

const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
