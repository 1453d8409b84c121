/**
 * `--concurrency auto`: finds how many requests in flight a server of
 * unknown capacity (vLLM's batch size, a Ray deployment's replicas x batch)
 * takes. It measures rounds (twice as many completions as the level, at
 * least {@linkcode MIN_ROUND}); a round is good when its throughput
 * (completion tokens/s, requests/s when the server gives no counts) beats
 * the last good round's by a tenth while its mean latency stays within
 * 1.25x of that round's. The level doubles while rounds are good; after the first bad one it
 * bisects between the last good and the first bad level and settles on the
 * good one when they are within an eighth. A 429 or 503 halves the level
 * and settles there.
 *
 * @module
 */

/** Completions a round needs at least, so one slow answer does not decide. */
export const MIN_ROUND = 16;
const RISE = 1.1;
const FLAT_LATENCY = 1.25;

/** How one attempt ended, as the controller sees it. */
export type AttemptOutcome = "ok" | "overload" | "error";

/** Settings of {@linkcode AutoConcurrency}. */
export interface AutoConcurrencyOptions {
  /** First level (default 1, as slow start). */
  start?: number;
  /** Highest level (default 1024). */
  max?: number;
  now?: () => number;
}

/** The controller of `--concurrency auto`. */
export class AutoConcurrency {
  readonly max: number;
  #level: number;
  #good = 0;
  #bad = Infinity;
  #settled = false;
  #now: () => number;
  #roundStart: number;
  #roundUnits = 0;
  #roundCount = 0;
  #roundLatency = 0;
  #goodThroughput = 0;
  #goodLatency = Infinity;

  /** Starts at `options.start`. */
  constructor(options: AutoConcurrencyOptions = {}) {
    this.max = options.max ?? 1024;
    this.#level = Math.min(options.start ?? 1, this.max);
    this.#now = options.now ?? performance.now.bind(performance);
    this.#roundStart = this.#now();
  }

  /** Requests to keep in flight now. */
  get level(): number {
    return this.#level;
  }

  /** Whether it stopped searching (a limit was found). */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Takes one finished attempt: its latency, its outcome and its work
   * (completion tokens, or 1); returns the level to use from now on.
   */
  record(latencyMs: number, outcome: AttemptOutcome, units: number): number {
    if (outcome === "overload") {
      if (!this.#settled) {
        this.#level = Math.max(1, Math.floor(this.#level / 2));
        this.#settled = true;
      }
      return this.#level;
    }
    if (outcome !== "ok" || this.#settled) return this.#level;
    this.#roundUnits += units;
    this.#roundCount += 1;
    this.#roundLatency += latencyMs;
    if (this.#roundCount < Math.max(MIN_ROUND, 2 * this.#level)) return this.#level;
    const throughput = this.#roundUnits / (Math.max(this.#now() - this.#roundStart, 1) / 1000);
    const latency = this.#roundLatency / this.#roundCount;
    const first = this.#goodThroughput === 0;
    if (
      first ||
      (throughput > this.#goodThroughput * RISE && latency <= this.#goodLatency * FLAT_LATENCY)
    ) {
      this.#good = this.#level;
      this.#goodThroughput = throughput;
      this.#goodLatency = latency;
    } else {
      this.#bad = this.#level;
    }
    if (this.#bad - this.#good <= Math.max(1, this.#good / 8) || this.#good >= this.max) {
      this.#level = Math.max(1, this.#good);
      this.#settled = true;
    } else {
      this.#level = this.#bad === Infinity
        ? Math.min(this.max, this.#level * 2)
        : Math.floor((this.#good + this.#bad) / 2);
    }
    this.#roundStart = this.#now();
    this.#roundUnits = 0;
    this.#roundCount = 0;
    this.#roundLatency = 0;
    return this.#level;
  }
}
