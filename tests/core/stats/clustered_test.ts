import { assertAlmostEquals, assertEquals } from "../../support/assert.ts";
import { clusteredAccuracy } from "../../../core/stats/clustered.ts";

// Hand computations of Miller (2024), arXiv:2411.00640, eq. 6:
// SE² = Σ_problems (Σ_responses (s − mean))² / N².

Deno.test("clusteredAccuracy() with one response per problem is the plain CLT error", () => {
  const e = clusteredAccuracy([{ n: 1, c: 1 }, { n: 1, c: 0 }, { n: 1, c: 1 }, { n: 1, c: 1 }])!;
  assertEquals(e.mean, 0.75);
  // sqrt(p(1 − p)/N) = sqrt(0.1875 / 4)
  assertAlmostEquals(e.stderr, Math.sqrt(0.1875 / 4), 1e-12);
  assertAlmostEquals(e.ci95[0], 0.75 - 1.959963984540054 * e.stderr, 1e-12);
  assertEquals(e.ci95[1], 1);
});

Deno.test("clusteredAccuracy() widens the error when a problem's responses agree", () => {
  // Two problems, both responses right on one and both wrong on the other:
  // residual sums +1 and −1, SE = sqrt(2)/4; treated as 4 independent
  // responses it would be sqrt(0.25/4) = 0.25.
  const e = clusteredAccuracy([{ n: 2, c: 2 }, { n: 2, c: 0 }])!;
  assertEquals(e.mean, 0.5);
  assertAlmostEquals(e.stderr, Math.SQRT2 / 4, 1e-12);
  assertEquals(e.problems, 2);
  assertEquals(e.responses, 4);
});

Deno.test("clusteredAccuracy() weighs problems by their judged responses", () => {
  // 3/3 and 0/1: mean 3/4, residual sums 3 − 2.25 = 0.75 and −0.75.
  const e = clusteredAccuracy([{ n: 3, c: 3 }, { n: 1, c: 0 }])!;
  assertEquals(e.mean, 0.75);
  assertAlmostEquals(e.stderr, Math.sqrt(1.125) / 4, 1e-12);
});

Deno.test("clusteredAccuracy() is null with nothing judged and skips empty problems", () => {
  assertEquals(clusteredAccuracy([]), null);
  assertEquals(clusteredAccuracy([{ n: 0, c: 0 }]), null);
  assertEquals(clusteredAccuracy([{ n: 0, c: 0 }, { n: 1, c: 1 }])!.problems, 1);
});
