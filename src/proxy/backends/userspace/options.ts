// Tunables shared by the userspace listeners.
import type { ProxyMetrics } from './metrics.ts';

export interface ListenerSettings {
  readonly metrics: ProxyMetrics;
  // idleTimeoutMs closes a TCP connection with no traffic in either direction for that long (0: never).
  readonly idleTimeoutMs: number;
  // udpIdleTimeoutMs forgets a UDP flow with no traffic for that long (conntrack's UDP timeout).
  readonly udpIdleTimeoutMs: number;
  // drainMs is how long connections to a removed endpoint (or a deleted Service) may finish before a reset.
  readonly drainMs: number;
  // connectTimeoutMs bounds one connection attempt to an endpoint before the next endpoint is tried.
  readonly connectTimeoutMs: number;
}
