/**
 * Accuracy, unbiased pass@k and their uncertainty. Pure functions.
 *
 * @module
 */

/**
 * The unbiased pass@k estimator (Chen et al., 2021) for one problem with
 * `n` samples of which `c` are correct: `1 - C(n-c, k) / C(n, k)`.
 *
 * @throws {RangeError} when `k` is not in `1..n` or `c` not in `0..n`.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(k >= 1 && k <= n)) throw new RangeError(`Cannot compute pass@${k}: n is ${n}`);
  if (!(c >= 0 && c <= n)) throw new RangeError(`Cannot compute pass@${k}: c is ${c} of ${n}`);
  if (n - c < k) return 1;
  let missAll = 1;
  for (let i = n - c + 1; i <= n; i++) missAll *= 1 - k / i;
  return 1 - missAll;
}

/**
 * The k values SkyThought reports for n samples: n, then the largest power
 * of two below n, then halving down to 1 (n=6 gives 6, 4, 2, 1).
 */
export function passAtKValues(n: number): number[] {
  const ks = [n];
  let k = 2 ** Math.floor(Math.log2(n));
  if (k === n) k /= 2;
  for (; k >= 1; k /= 2) ks.push(k);
  return ks;
}

/** Mean, standard error and a 95% interval of a set of 0/1 (or fractional) values. */
export interface MeanEstimate {
  mean: number;
  stderr: number;
  ci95: [number, number];
  count: number;
}

/**
 * Estimates the mean of per-problem scores with its standard error.
 *
 * Clustered by problem: with n samples per problem, each problem's value is
 * its own average, so n>1 does not fake extra precision. The interval is
 * Wilson's for plain 0/1 data (sensible at 0% and 100%) and the normal one
 * otherwise.
 */
export function estimateMean(values: readonly number[]): MeanEstimate {
  const accumulator = new MeanAccumulator();
  for (const value of values) accumulator.add(value);
  return accumulator.finish();
}

/**
 * `estimateMean` as a fold: `add` each value, then `finish`. It keeps a
 * count per distinct value (per-problem shares take few values), so its
 * memory does not grow with the number of problems.
 */
export class MeanAccumulator {
  #count = 0;
  #sum = 0;
  #counts = new Map<number, number>();

  /** Values added so far. */
  get count(): number {
    return this.#count;
  }

  /** Adds one value. */
  add(value: number): void {
    this.#count++;
    this.#sum += value;
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + 1);
  }

  /** The estimate of everything added. */
  finish(): MeanEstimate {
    const count = this.#count;
    if (count === 0) return { mean: 0, stderr: 0, ci95: [0, 0], count };
    const mean = this.#sum / count;
    let squares = 0;
    let binary = true;
    for (const [value, times] of this.#counts) {
      squares += times * (value - mean) ** 2;
      if (value !== 0 && value !== 1) binary = false;
    }
    const variance = count > 1 ? squares / (count - 1) : 0;
    const stderr = Math.sqrt(variance / count);
    return { mean, stderr, ci95: binary ? wilson(mean, count) : normal(mean, stderr), count };
  }
}

const Z95 = 1.959963984540054;

function wilson(p: number, n: number): [number, number] {
  const denominator = 1 + Z95 ** 2 / n;
  const center = (p + Z95 ** 2 / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + Z95 ** 2 / (4 * n * n))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

function normal(mean: number, stderr: number): [number, number] {
  return [Math.max(0, mean - Z95 * stderr), Math.min(1, mean + Z95 * stderr)];
}

/** Rounds to a number of decimals, as SkyThought's summary does. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
