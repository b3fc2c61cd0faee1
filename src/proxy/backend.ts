// L4Backend is the seam between the proxy's sync loop and a data plane (userspace sockets, nftables).
import type { L4Plan, ListenerKey } from './plan/types.ts';
import type { ServiceRef } from './model/service-port-name.ts';

export interface L4Backend {
  // apply makes the data plane equal to plan, idempotently, touching only what differs from the last apply.
  // Without changed it is whole-state: every listener and health check is compared. With changed (and
  // changedHealth), the listeners and health check ports that changed since the last successful apply,
  // everything else is the same as then, so the backend may look only at those (and at what it failed to
  // bind before). It rejects when part of the plan could not be applied (the rest is applied); the caller
  // retries, whole-state. Backends that ignore the change sets stay correct.
  apply(plan: L4Plan, signal: AbortSignal, changed?: ReadonlySet<ListenerKey>, changedHealth?: ReadonlySet<number>): Promise<void>;
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
