// BindTolerantBackend wraps an L4Backend so that listeners the host will not let us bind (a port below 1024
// without root or CAP_NET_BIND_SERVICE, an address another program holds) do not fail the whole sync. The
// backend has already applied the rest of the plan and recorded an Event per failed listener; rethrowing
// would make the proxy retry every second and log the same failure forever. The proxy's periodic resync
// (every 30 s) and every change retry the missing listeners. Any other failure is rethrown.
import type { L4Backend, ProxyLogger } from '../proxy/index.ts';
import type { L4Plan, ListenerKey } from '../proxy/index.ts';

const BIND_ERRORS = new Set(['EACCES', 'EPERM', 'EADDRINUSE', 'EADDRNOTAVAIL']);

export class BindTolerantBackend implements L4Backend {
  readonly #inner: L4Backend;
  readonly #log: ProxyLogger;
  #lastCodes = '';

  constructor(o: { inner: L4Backend; logger: ProxyLogger }) {
    if (!o.inner) throw new TypeError('BindTolerantBackend: inner is required');
    this.#inner = o.inner;
    this.#log = o.logger;
  }

  async apply(plan: L4Plan, signal: AbortSignal, changed?: ReadonlySet<ListenerKey>, changedHealth?: ReadonlySet<number>): Promise<void> {
    try {
      await this.#inner.apply(plan, signal, changed, changedHealth);
      this.#lastCodes = '';
    } catch (err) {
      const codes = bindErrorCodes(err);
      if (codes === undefined) throw err;
      const summary = codes.join(',');
      if (summary !== this.#lastCodes) this.#log.warn({ event: 'listenersNotBound', count: codes.length, codes: [...new Set(codes)] });
      this.#lastCodes = summary;
    }
  }

  cleanup(): Promise<void> { return this.#inner.cleanup(); }
}

// bindErrorCodes returns the error codes when err is (an aggregate of) bind failures only, else undefined.
export function bindErrorCodes(err: unknown): string[] | undefined {
  const errors = err instanceof AggregateError ? err.errors : [err];
  const codes: string[] = [];
  for (const e of errors) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (!code || !BIND_ERRORS.has(code)) return undefined;
    codes.push(code);
  }
  return codes.length > 0 ? codes : undefined;
}
