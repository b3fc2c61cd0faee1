// The node folder's public surface: the node agent (pods as processes) and its parts tests reuse.
export { NodeAgent } from './node-agent.ts';
export type { NodeAgentOptions } from './node-agent.ts';
export type { LogOptions } from './pod-logs.ts';
export { PodIPPool } from './ip-pool.ts';
export { containerEnv, expand, fieldValue } from './container-env.ts';
export { podStatus } from './pod-status.ts';
export { podResolvConf } from './pod-dns.ts';
export { ProcessHost } from './process-host.ts';
