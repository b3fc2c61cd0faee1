// L4Backend is the seam between the proxy's sync loop and a data plane (userspace sockets, nftables).
import type { L4Plan } from './plan/types.ts';
import type { ServiceRef } from './model/service-port-name.ts';

export interface L4Backend {
  // apply makes the data plane equal to plan. It is whole-state and idempotent, and touches only what
  // differs from the last apply. It rejects when part of the plan could not be applied (the rest is
  // applied); the caller retries.
  apply(plan: L4Plan, signal: AbortSignal): Promise<void>;
  // cleanup removes everything the backend created.
  cleanup(): Promise<void>;
}

// EventRecorder receives the problems the proxy reports on a Service (Events, later posted by the agent).
export interface EventRecorder {
  recordEvent(service: ServiceRef, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

// ProxyLogger is the structured logger the proxy writes to (pino's shape).
export interface ProxyLogger {
  warn(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
}

// nopLogger discards everything.
export const nopLogger: ProxyLogger = { warn() {}, info() {} };
