/**
 * The paired bootstrap over problems (Efron & Tibshirani 1993; as used for
 * system comparison by Koehn 2004): resample problems with replacement,
 * keeping each problem's two scores together, and read the interval of the
 * mean difference off the resampled means. Seeded, so a comparison prints
 * the same numbers every time. Pure.
 *
 * @module
 */
import { seededRandom } from "../../tasks/seeded_shuffle.ts";

/** Bootstrap result for the mean of per-problem differences. */
export interface BootstrapResult {
  mean: number;
  /** 2.5th and 97.5th percentiles of the resampled means. */
  ci95: [number, number];
  /** Two-sided: twice the share of resampled means on the far side of zero (at most 1). */
  p: number;
  resamples: number;
}

/** Options of {@linkcode pairedBootstrap}. */
export interface BootstrapOptions {
  /** Default 10,000. */
  resamples?: number;
  /** Default "0". */
  seed?: string;
}

/**
 * Bootstraps the mean of per-problem differences (score in B − score in A).
 *
 * @throws {RangeError} when there are no differences.
 */
export function pairedBootstrap(
  differences: readonly number[],
  options: BootstrapOptions = {},
): BootstrapResult {
  const count = differences.length;
  if (count === 0) throw new RangeError("Cannot bootstrap an empty set of differences");
  const resamples = options.resamples ?? 10_000;
  const random = seededRandom(`paired-bootstrap:${options.seed ?? "0"}`);
  const means = new Float64Array(resamples);
  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += differences[Math.floor(random() * count)];
    const mean = sum / count;
    means[r] = mean;
    if (mean <= 0) atOrBelowZero++;
    if (mean >= 0) atOrAboveZero++;
  }
  means.sort();
  const mean = differences.reduce((a, b) => a + b, 0) / count;
  const far = mean >= 0 ? atOrBelowZero : atOrAboveZero;
  return {
    mean,
    ci95: [percentile(means, 0.025), percentile(means, 0.975)],
    p: Math.min(1, (2 * far) / resamples),
    resamples,
  };
}

/** Linear interpolation between closest ranks of sorted values. */
function percentile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}
