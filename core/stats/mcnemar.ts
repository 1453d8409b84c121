/**
 * McNemar's exact test for two graders or models judged on the same
 * problems once each: only the discordant problems carry information, and
 * under "no difference" each of them is equally likely to have flipped
 * either way, so the smaller count is Binomial(b + c, 1/2). Pure.
 *
 * @module
 */

/**
 * Two-sided exact p-value for `b` problems flipped one way and `c` the
 * other: `min(1, 2 · P[X ≤ min(b, c)])` with `X ~ Binomial(b + c, 1/2)`.
 *
 * @throws {RangeError} for negative or fractional counts.
 */
export function mcnemarExactP(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`Cannot run McNemar's test on counts ${b} and ${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  // Summed in log space: C(n, i) / 2^n underflows for a few thousand flips.
  let logTerm = -n * Math.LN2; // i = 0
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= Math.min(b, c); i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}
