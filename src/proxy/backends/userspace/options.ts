// Tunables shared by the userspace listeners.
import type { ProxyMetrics } from './metrics.ts';

export interface ListenerSettings {
  readonly metrics: ProxyMetrics;
  // idleTimeoutMs closes a TCP connection with no traffic in either direction for that long (0: never).
  // It is checked by a per-listener sweep, not a per-socket timer (a timer re-armed on every read and write
  // costs more than the proxying on small requests), so it fires up to a quarter of it late.
  readonly idleTimeoutMs: number;
  // udpIdleTimeoutMs forgets a UDP flow with no traffic for that long (conntrack's UDP timeout).
  readonly udpIdleTimeoutMs: number;
  // drainMs is how long connections to a removed endpoint (or a deleted Service) may finish before a reset.
  readonly drainMs: number;
  // connectTimeoutMs bounds one connection attempt to an endpoint before the next endpoint is tried.
  readonly connectTimeoutMs: number;
  // holdMs is how long a connection to a "drop" listener (Local policy, no local endpoint) is held
  // unanswered before it is reset, unless a local endpoint appears meanwhile.
  readonly holdMs: number;
  // reusePort binds TCP listeners with SO_REUSEPORT, so several worker processes can share them.
  readonly reusePort: boolean;
}
