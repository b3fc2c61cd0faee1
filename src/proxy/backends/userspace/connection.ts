// What the TCP listener and its connections see of each other. A connection is a RawConnection where
// Node's bindings allow (bare handles, no streams), else a StreamConnection (net.Socket both sides).
import type { ListenerPlan } from '../../plan/types.ts';
import type { Balancer } from './balancer.ts';
import type { EndpointStats } from './metrics.ts';
import type { ListenerSettings } from './options.ts';

// ConnectionOwner is what a connection needs from its listener.
export interface ConnectionOwner {
  readonly plan: ListenerPlan;
  readonly balancer: Balancer;
  readonly settings: ListenerSettings;
  stats(endpointKey: string): EndpointStats;
  established(conn: ProxiedConnection): void;
  closed(conn: ProxiedConnection): void;     // an established connection is over
  finished(): void;                          // any connection is over (once, after closed() if established)
}

export interface ProxiedConnection {
  // endpointKey is the key of the endpoint this connection goes to ('' while connecting).
  readonly endpointKey: string;
  // start picks an endpoint and connects; with none left, the client is reset.
  start(): void;
  // drain resets the connection after ms unless it ends first.
  drain(ms: number): void;
  // reset aborts both sides with a TCP RST.
  reset(): void;
  // idle resets the connection when no byte moved either way since a sweep at least ms ago.
  idle(now: number, ms: number): void;
}
