import { assertAlmostEquals, assertEquals, assertThrows } from "../../support/assert.ts";
import { mcnemarExactP } from "../../../core/stats/mcnemar.ts";
import { pairedBootstrap } from "../../../core/stats/paired_bootstrap.ts";
import { problemsToResolve } from "../../../core/stats/sample_size.ts";

Deno.test("mcnemarExactP() matches the binomial tail computed by hand", () => {
  // 1 vs 6 discordant: 2 · (C(7,0) + C(7,1)) / 2^7 = 16/128.
  assertAlmostEquals(mcnemarExactP(1, 6), 0.125, 1e-12);
  assertAlmostEquals(mcnemarExactP(6, 1), 0.125, 1e-12);
  // 0 vs 5: 2 / 32.
  assertAlmostEquals(mcnemarExactP(0, 5), 0.0625, 1e-12);
  assertEquals(mcnemarExactP(3, 3), 1);
  assertEquals(mcnemarExactP(0, 0), 1);
});

Deno.test("mcnemarExactP() reproduces Fagerland et al. (2013), BMC Med Res Methodol 13:91", () => {
  // Their worked example has 1 and 7 discordant pairs; exact conditional p = 0.070.
  assertAlmostEquals(mcnemarExactP(1, 7), 0.0703125, 1e-12);
});

Deno.test("mcnemarExactP() stays finite for thousands of flips", () => {
  const p = mcnemarExactP(1000, 1100);
  if (!(p > 0.01 && p < 0.05)) throw new Error(`p = ${p}`);
  assertThrows(() => mcnemarExactP(-1, 2), RangeError);
  assertThrows(() => mcnemarExactP(0.5, 2), RangeError);
});

Deno.test("pairedBootstrap() is seeded and brackets a certain difference", () => {
  const all = pairedBootstrap(Array(30).fill(1), { resamples: 500 });
  assertEquals(all, { mean: 1, ci95: [1, 1], p: 0, resamples: 500 });
  const mixed = [...Array(40).fill(0.5), ...Array(30).fill(-0.25), ...Array(30).fill(0)];
  assertEquals(pairedBootstrap(mixed, { seed: "7" }), pairedBootstrap(mixed, { seed: "7" }));
});

Deno.test("pairedBootstrap() agrees with the normal interval on a large sample", () => {
  // 400 problems: 60 gained, 40 lost, the rest unchanged: mean 0.05,
  // sd = sqrt(100/400 − 0.05²), normal half-width 1.96 · sd / 20 = 0.0488.
  const diffs = [...Array(60).fill(1), ...Array(40).fill(-1), ...Array(300).fill(0)];
  const result = pairedBootstrap(diffs);
  assertAlmostEquals(result.mean, 0.05, 1e-12);
  const half = (1.959963984540054 * Math.sqrt(0.25 - 0.0025)) / 20;
  assertAlmostEquals(result.ci95[0], 0.05 - half, 0.006);
  assertAlmostEquals(result.ci95[1], 0.05 + half, 0.006);
  // The exact test on the same flips gives p = 0.057; the bootstrap lands near it.
  assertAlmostEquals(result.p, mcnemarExactP(40, 60), 0.03);
  assertThrows(() => pairedBootstrap([]), RangeError);
});

Deno.test("problemsToResolve() is the 80%-power sample size computed by hand", () => {
  // Two of ten problems gained: mean 0.2, variance 0.2 − 0.04 = 0.16,
  // (1.95996 + 0.84162)² · 0.16 / 0.04 = 31.4 -> 32 problems.
  assertEquals(problemsToResolve([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]), 32);
  assertEquals(problemsToResolve([1, -1]), null);
  assertEquals(problemsToResolve([]), null);
});
