/**
 * Requests in flight over all of a backend's base URLs: the bound (a number
 * or `auto`), and what was reached, peak and time-weighted mean from the
 * first request sent to the last answer, for `summary.json`.
 *
 * @module
 */

import { type AttemptOutcome, AutoConcurrency } from "./auto_concurrency.ts";
import { Limiter } from "./limiter.ts";

/** `--concurrency`: requests in flight, or `auto` to find the server's level. */
export type ConcurrencyLevel = number | "auto";

/** What a run asked for and reached. */
export interface ConcurrencyReport {
  requested: ConcurrencyLevel;
  /** The bound that applied (a lower backend arg `concurrency`, or the `auto` ceiling). */
  limit: number;
  peak: number;
  /** Mean requests in flight from the first request to the last answer. */
  mean: number;
  /** Under `auto`: the level it ended at, and whether it found a limit (`settled`). */
  auto?: { level: number; settled: boolean };
}

/** A slot for one attempt. */
export interface InFlightSlot {
  /** Ends the attempt: its outcome and work (completion tokens, or 1) steer `auto`. */
  release(outcome: AttemptOutcome, units?: number): void;
}

/** Bounds and measures requests in flight. */
export class InFlightControl {
  readonly #requested: ConcurrencyLevel;
  readonly #limiter: Limiter;
  readonly #auto: AutoConcurrency | null;
  #now = performance.now.bind(performance);
  #inFlight = 0;
  #peak = 0;
  #area = 0;
  #first: number | null = null;
  #last = 0;

  /** Bounds requests at `level` (`limit` caps it, e.g. a lower backend arg). */
  constructor(level: ConcurrencyLevel, limit?: number) {
    this.#requested = level;
    if (level === "auto") {
      this.#auto = new AutoConcurrency(limit ? { max: limit } : {});
      this.#limiter = new Limiter(this.#auto.level);
    } else {
      this.#auto = null;
      this.#limiter = new Limiter(Math.min(level, limit ?? level));
    }
  }

  /** The most requests that may ever be in flight. */
  get ceiling(): number {
    return this.#auto ? this.#auto.max : this.#limiter.limit;
  }

  /** Waits for room for one more request. */
  async acquire(signal: AbortSignal): Promise<InFlightSlot> {
    await this.#limiter.acquire(signal);
    const started = this.#tick(+1);
    let released = false;
    return {
      release: (outcome, units = 1) => {
        if (released) return;
        released = true;
        const ended = this.#tick(-1);
        this.#limiter.release();
        if (this.#auto) this.#limiter.limit = this.#auto.record(ended - started, outcome, units);
      },
    };
  }

  /** The requested level and what was reached so far. */
  report(): ConcurrencyReport {
    const span = this.#first === null ? 0 : this.#last - this.#first;
    const report: ConcurrencyReport = {
      requested: this.#requested,
      limit: this.ceiling,
      peak: this.#peak,
      mean: span > 0 ? Math.round((this.#area / span) * 100) / 100 : this.#peak,
    };
    if (this.#auto) report.auto = { level: this.#auto.level, settled: this.#auto.settled };
    return report;
  }

  #tick(change: number): number {
    const now = this.#now();
    if (this.#first === null) this.#first = now;
    else this.#area += this.#inFlight * (now - this.#last);
    this.#last = now;
    this.#inFlight += change;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    return now;
  }
}
