/**
 * `--concurrency auto`: finds how many requests in flight a server of
 * unknown capacity (vLLM's batch size, a Ray deployment's replicas x batch)
 * takes. It measures rounds (as many completions as the level, at least
 * {@linkcode MIN_ROUND}): while a round's throughput (completion tokens/s,
 * requests/s when the server gives no counts) rises by a tenth and its mean
 * latency stays within 1.5x the lowest seen, the level doubles; when latency
 * rises without more throughput, it goes back to the last level that paid
 * and stays; a 429 or 503 halves it and stays.
 *
 * @module
 */

/** Completions a round needs at least, so one slow answer does not decide. */
export const MIN_ROUND = 8;
const RISE = 1.1;
const FLAT_LATENCY = 1.5;

/** How one attempt ended, as the controller sees it. */
export type AttemptOutcome = "ok" | "overload" | "error";

/** Settings of {@linkcode AutoConcurrency}. */
export interface AutoConcurrencyOptions {
  /** First level (default 8). */
  start?: number;
  /** Highest level (default 1024). */
  max?: number;
  now?: () => number;
}

/** The hill-climbing controller of `--concurrency auto`. */
export class AutoConcurrency {
  readonly max: number;
  #level: number;
  #previous: number;
  #settled = false;
  #now: () => number;
  #roundStart: number;
  #roundUnits = 0;
  #roundCount = 0;
  #roundLatency = 0;
  #lastThroughput = 0;
  #lowestLatency = Infinity;

  /** Starts at `options.start`. */
  constructor(options: AutoConcurrencyOptions = {}) {
    this.max = options.max ?? 1024;
    this.#level = Math.min(options.start ?? 8, this.max);
    this.#previous = this.#level;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#roundStart = this.#now();
  }

  /** Requests to keep in flight now. */
  get level(): number {
    return this.#level;
  }

  /** Whether it stopped climbing (a limit was found). */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Takes one finished attempt: its latency, its outcome and its work
   * (completion tokens, or 1); returns the level to use from now on.
   */
  record(latencyMs: number, outcome: AttemptOutcome, units: number): number {
    if (outcome === "overload") {
      this.#level = Math.max(1, Math.floor(this.#level / 2));
      this.#settled = true;
      this.#newRound();
      return this.#level;
    }
    if (outcome !== "ok") return this.#level;
    this.#roundUnits += units;
    this.#roundCount += 1;
    this.#roundLatency += latencyMs;
    if (this.#settled || this.#roundCount < Math.max(MIN_ROUND, this.#level)) return this.#level;
    const seconds = Math.max(this.#now() - this.#roundStart, 1) / 1000;
    const throughput = this.#roundUnits / seconds;
    const latency = this.#roundLatency / this.#roundCount;
    this.#lowestLatency = Math.min(this.#lowestLatency, latency);
    const rising = throughput > this.#lastThroughput * RISE;
    const flat = latency <= this.#lowestLatency * FLAT_LATENCY;
    if (rising && flat) {
      this.#previous = this.#level;
      this.#level = Math.min(this.max, this.#level * 2);
      this.#lastThroughput = throughput;
    } else if (!flat) {
      this.#level = rising ? this.#level : this.#previous;
      this.#settled = true;
    }
    this.#newRound();
    return this.#level;
  }

  #newRound(): void {
    this.#roundStart = this.#now();
    this.#roundUnits = 0;
    this.#roundCount = 0;
    this.#roundLatency = 0;
  }
}
