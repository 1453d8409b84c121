/**
 * Accuracy with its standard error clustered by problem. The n responses to
 * one problem are not independent (an easy problem is easy every time), so
 * treating them as n separate trials understates the error; the clustered
 * standard error of Miller (2024), "Adding Error Bars to Evals"
 * (arXiv:2411.00640, eq. 6), sums the residuals within each problem first:
 *
 *   SE² = Σ_problems (Σ_responses (s − mean))² / N²   with N responses in all.
 *
 * With one response per problem it is the plain CLT standard error
 * (population variance). Pure functions.
 *
 * @module
 */

/** One problem's scored responses: `n` judged, `c` of them correct. */
export interface ProblemCount {
  n: number;
  c: number;
}

/** The clustered estimate of accuracy over all judged responses. */
export interface ClusteredEstimate {
  /** Correct over judged responses (the summary's `accuracy`). */
  mean: number;
  stderr: number;
  /** mean ± 1.96 stderr, clamped to [0, 1]. */
  ci95: [number, number];
  problems: number;
  responses: number;
}

const Z95 = 1.959963984540054;

/** Running sums from which the clustered estimate is finished in O(1) memory. */
export class ClusteredAccumulator {
  #problems = 0;
  #n = 0;
  #c = 0;
  #cc = 0;
  #cn = 0;
  #nn = 0;

  /** Adds one problem (ignored when it has no judged response). */
  add({ n, c }: ProblemCount): void {
    if (n <= 0) return;
    this.#problems++;
    this.#n += n;
    this.#c += c;
    this.#cc += c * c;
    this.#cn += c * n;
    this.#nn += n * n;
  }

  /** The estimate, or `null` when no response was judged. */
  finish(): ClusteredEstimate | null {
    if (this.#n === 0) return null;
    const mean = this.#c / this.#n;
    // Σ (c − n·mean)² expanded, so no second pass is needed.
    const squares = Math.max(0, this.#cc - 2 * mean * this.#cn + mean * mean * this.#nn);
    const stderr = Math.sqrt(squares) / this.#n;
    return {
      mean,
      stderr,
      ci95: [Math.max(0, mean - Z95 * stderr), Math.min(1, mean + Z95 * stderr)],
      problems: this.#problems,
      responses: this.#n,
    };
  }
}

/** The clustered estimate for a list of per-problem counts. */
export function clusteredAccuracy(problems: Iterable<ProblemCount>): ClusteredEstimate | null {
  const accumulator = new ClusteredAccumulator();
  for (const problem of problems) accumulator.add(problem);
  return accumulator.finish();
}
