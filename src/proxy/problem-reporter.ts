// ProblemReporter turns the planner's problems into Events on their Services: each once while it lasts (a
// problem that goes away and comes back is reported again). A Service without endpoints is normal for a
// moment, between creating it and its pods becoming ready, or its Endpoints landing just after it (as
// `kubectl apply -f` of a folder does): NoEndpoints is reported only once it has lasted graceMs, so a burst
// of new Services is not a burst of Events (10,000 Services created in bench/api.ts posted 10,000).
import type { EventRecorder } from './backend.ts';
import type { ServiceKey } from './model/service-port-name.ts';
import type { PlanProblem } from './plan/types.ts';

const TRANSIENT = new Set(['NoEndpoints']);

interface Pending { problem: PlanProblem; due: number }

export class ProblemReporter {
  readonly #events: EventRecorder | undefined;
  readonly #graceMs: number;
  // #reported holds, per Service, the ids of the problems already recorded; #pending those waiting out the grace.
  readonly #reported = new Map<ServiceKey, Set<string>>();
  readonly #pending = new Map<ServiceKey, Map<string, Pending>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(events: EventRecorder | undefined, graceMs: number) {
    this.#events = events;
    this.#graceMs = graceMs;
  }

  // report sets the current problems of one Service (none: all resolved).
  report(key: ServiceKey, problems: Iterable<PlanProblem>): void {
    const before = this.#reported.get(key);
    let now: Set<string> | undefined;
    const current = new Set<string>();
    for (const p of problems) {
      const id = `${p.reason}\u0000${p.message}`;  // per Service: #reported and #pending are keyed by it
      current.add(id);
      if (before?.has(id)) { (now ??= new Set()).add(id); continue; }
      if (this.#graceMs > 0 && TRANSIENT.has(p.reason)) {
        let m = this.#pending.get(key);
        if (!m) this.#pending.set(key, m = new Map());
        if (!m.has(id)) m.set(id, { problem: p, due: performance.now() + this.#graceMs });
        this.#arm();
        continue;
      }
      (now ??= new Set()).add(id);
      this.#events?.recordEvent(p.service, p.type, p.reason, p.message);
    }
    const pending = this.#pending.get(key);
    if (pending) {
      for (const id of pending.keys()) if (!current.has(id)) pending.delete(id);
      if (pending.size === 0) this.#pending.delete(key);
    }
    if (now) this.#reported.set(key, now); else this.#reported.delete(key);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  // #arm sets the timer for the earliest pending problem (due, when known, is that time).
  #arm(due?: number): void {
    if (this.#timer) return;
    const wait = due === undefined ? this.#graceMs : Math.max(0, due - performance.now());
    this.#timer = setTimeout(() => this.#fire(), wait);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const t = performance.now();
    let next = Infinity;
    for (const [key, m] of this.#pending) {
      for (const [id, p] of m) {
        if (p.due > t) { next = Math.min(next, p.due); continue; }
        m.delete(id);
        let set = this.#reported.get(key);
        if (!set) this.#reported.set(key, set = new Set());
        set.add(id);
        this.#events?.recordEvent(p.problem.service, p.problem.type, p.problem.reason, p.problem.message);
      }
      if (m.size === 0) this.#pending.delete(key);
    }
    if (this.#pending.size > 0) this.#arm(next);
  }
}
