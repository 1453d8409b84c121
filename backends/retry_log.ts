/**
 * The run's retries, counted by cause: the first retry of each distinct
 * cause is told once, the rest only counted, so a flaky server gives a few
 * lines and a summary instead of one line per attempt.
 *
 * @module
 */

/** How often one cause was retried. */
export interface RetryTally {
  cause: string;
  count: number;
}

/** Counts retries by cause. */
export class RetryLog {
  #counts = new Map<string, number>();
  #onFirst: ((line: string) => void) | undefined;

  /** Makes a log telling `onFirst` about each new cause. */
  constructor(onFirst?: (line: string) => void) {
    this.#onFirst = onFirst;
  }

  /** Counts one retry caused by `cause` (a one-line message). */
  record(cause: string): void {
    const key = cause.replace(/ \(after \d+ attempts\)$/, "");
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count === 1) {
      this.#onFirst?.(`retrying: ${key} (further retries of this cause are counted)`);
    }
  }

  /** Every cause with its count, the most frequent first. */
  tally(): RetryTally[] {
    return [...this.#counts].map(([cause, count]) => ({ cause, count }))
      .sort((a, b) => b.count - a.count);
  }
}
