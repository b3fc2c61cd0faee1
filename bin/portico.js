#!/usr/bin/env node
// The `portico` command. Node 24 runs the TypeScript sources directly (type stripping).
//
// `serve` re-executes itself once (same PID, process.execve) tuned for a data plane:
// - glibc's malloc trim threshold raised: otherwise glibc hands the proxy's 64 KiB socket read buffers back
//   to the kernel and faults them in again on every read, which halves bulk throughput (bench/l4.ts);
// - a 64 MiB young generation (--max-semi-space-size=64): the proxies' per-request objects die young, and
//   fewer scavenges cut the ingress's CPU per request by about a fifth (bench/ingress.ts, 39 -> 30 µs) with
//   no change to the API server's GET latency or RSS at 10,000 Services (bench/api.ts).
// PORTICO_MALLOC=default opts out of both; a --max-semi-space-size given by the user is kept.
if (process.argv[2] === 'serve' && process.platform === 'linux' && typeof process.execve === 'function'
  && process.env.GLIBC_TUNABLES === undefined && process.env.PORTICO_MALLOC !== 'default') {
  const semi = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size')) ? [] : ['--max-semi-space-size=64'];
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...semi, ...process.argv.slice(1)],
    { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=268435456' });
}

const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
