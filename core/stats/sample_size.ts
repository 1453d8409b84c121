/**
 * How many problems a benchmark would need for a paired comparison to
 * resolve an observed difference: the sample size at which a two-sided
 * test at α = 0.05 has 80% power, N = (z₀.₉₇₅ + z₀.₈)² · Var(d) / mean(d)²,
 * with d the per-problem differences (Miller 2024, arXiv:2411.00640,
 * section 5, "power analysis"). Pure.
 *
 * @module
 */

const Z_ALPHA = 1.959963984540054; // two-sided 5%
const Z_POWER = 0.8416212335729143; // 80% power

/**
 * Problems needed to resolve `mean(differences)` from zero; `null` when the
 * observed difference is zero (no number of problems resolves it).
 */
export function problemsToResolve(differences: readonly number[]): number | null {
  const count = differences.length;
  if (count === 0) return null;
  const mean = differences.reduce((a, b) => a + b, 0) / count;
  if (mean === 0) return null;
  const variance = differences.reduce((a, d) => a + (d - mean) ** 2, 0) / count;
  return Math.max(1, Math.ceil(((Z_ALPHA + Z_POWER) ** 2 * variance) / (mean * mean)));
}
