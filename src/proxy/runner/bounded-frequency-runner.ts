// BoundedFrequencyRunner runs one async function: bursts of run() requests coalesce, two runs start at least
// minIntervalMs apart, runs never overlap, and a run happens at least every maxIntervalMs (the resync that
// repairs drift). A failed run is retried after retryMs. kube-proxy's async.BoundedFrequencyRunner.

export interface BoundedFrequencyRunnerOptions {
  fn: () => Promise<void>;
  minIntervalMs: number;
  maxIntervalMs: number;
  // retryMs is the delay before retrying a run that threw; default: max(minIntervalMs, 1000).
  retryMs?: number;
  // busyFactor spaces runs by their own cost: the next run starts no sooner than busyFactor × the last
  // run's duration after it ended (capped at maxBusyGapMs), so a whole-state run that has grown slow takes
  // at most 1/(1+busyFactor) of the CPU, while small states still follow changes within milliseconds.
  // Default 0 (off).
  busyFactor?: number;
  maxBusyGapMs?: number;             // default 1000

  onError?: (err: unknown) => void;
}

export class BoundedFrequencyRunner {
  readonly #opts: Required<Omit<BoundedFrequencyRunnerOptions, 'onError'>> & Pick<BoundedFrequencyRunnerOptions, 'onError'>;
  #signal: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #lastStart = -Infinity;
  #lastEnd = -Infinity;
  #running = false;
  #pending = false;
  #idle: (() => void) | undefined;

  constructor(opts: BoundedFrequencyRunnerOptions) {
    if (typeof opts.fn !== 'function') throw new TypeError('BoundedFrequencyRunner: fn is required');
    if (!(opts.minIntervalMs >= 0) || !(opts.maxIntervalMs >= opts.minIntervalMs)) {
      throw new TypeError('BoundedFrequencyRunner: need 0 <= minIntervalMs <= maxIntervalMs');
    }
    this.#opts = { retryMs: Math.max(opts.minIntervalMs, 1000), busyFactor: 0, maxBusyGapMs: 1000, ...opts };
  }

  // loop runs fn once at once, then on run() requests and every maxIntervalMs, until signal aborts; it
  // resolves after the last run finished.
  async loop(signal: AbortSignal): Promise<void> {
    if (this.#signal) throw new TypeError('BoundedFrequencyRunner: loop called twice');
    this.#signal = signal;
    this.run();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#clearTimer();
    if (this.#running) await new Promise<void>((resolve) => { this.#idle = resolve; });
  }

  // run requests a run as soon as the minimum interval allows; requests during a run coalesce into one more.
  run(): void {
    this.#pending = true;
    if (!this.#signal || this.#signal.aborted || this.#running) return;
    const busyGap = Math.min(this.#opts.maxBusyGapMs, this.#opts.busyFactor * (this.#lastEnd - this.#lastStart));
    const earliest = Math.max(this.#lastStart + this.#opts.minIntervalMs, this.#lastEnd + (busyGap > 0 ? busyGap : 0));
    this.#schedule(Math.max(0, earliest - performance.now()));
  }

  #schedule(delay: number): void {
    const at = performance.now() + delay;
    if (this.#timer && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => { this.#timer = undefined; this.#timerAt = Infinity; void this.#tick(); }, delay);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  async #tick(): Promise<void> {
    if (this.#signal?.aborted) return;
    this.#pending = false;
    this.#running = true;
    this.#lastStart = performance.now();
    let failed = false;
    try {
      await this.#opts.fn();
    } catch (err) {
      failed = true;
      this.#opts.onError?.(err);
    } finally {
      this.#running = false;
      this.#lastEnd = performance.now();
    }
    if (this.#signal?.aborted) { this.#idle?.(); return; }
    if (this.#pending) this.run();
    else this.#schedule(failed ? this.#opts.retryMs : this.#opts.maxIntervalMs);
  }
}
