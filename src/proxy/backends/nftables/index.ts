// The nftables backend's public surface.
export { NftablesBackend } from './nftables-backend.ts';
export type { NftablesBackendOptions } from './nftables-backend.ts';
export { ExecNftRunner, FakeNftRunner, NftError } from './nft-runner.ts';
export type { NftRunner } from './nft-runner.ts';
export { ExecConntrack, FakeConntrack } from './conntrack.ts';
export type { Conntrack } from './conntrack.ts';
export { nftablesProblem } from './preflight.ts';
