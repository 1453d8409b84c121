import fc from "fast-check";
import { assertAlmostEquals, assertEquals, assertThrows } from "../support/assert.ts";
import { estimateMean, passAtK, passAtKValues } from "../../core/metrics.ts";

function assertClose(actual: number, expected: number) {
  if (Math.abs(actual - expected) > 1e-12) throw new Error(`${actual} != ${expected}`);
}

Deno.test("passAtK() matches the closed form 1 - C(n-c,k)/C(n,k)", () => {
  const choose = (n: number, k: number): number => (k === 0 ? 1 : (n * choose(n - 1, k - 1)) / k);
  for (let n = 1; n <= 10; n++) {
    for (let c = 0; c <= n; c++) {
      for (let k = 1; k <= n; k++) {
        const expected = n - c < k ? 1 : 1 - choose(n - c, k) / choose(n, k);
        assertClose(passAtK(n, c, k), expected);
      }
    }
  }
  assertEquals(passAtK(8, 0, 1), 0);
  assertEquals(passAtK(8, 8, 1), 1);
  assertClose(passAtK(8, 2, 1), 0.25);
  assertThrows(() => passAtK(4, 1, 5), RangeError);
});

Deno.test("passAtKValues() halves from n like the reference", () => {
  assertEquals(passAtKValues(8), [8, 4, 2, 1]);
  assertEquals(passAtKValues(6), [6, 4, 2, 1]);
  assertEquals(passAtKValues(1), [1]);
  assertEquals(passAtKValues(3), [3, 2, 1]);
});

Deno.test("estimateMean() gives a Wilson interval for 0/1 data", () => {
  const e = estimateMean([1, 1, 1, 0]);
  assertEquals(e.mean, 0.75);
  assertAlmostEquals(e.stderr, 0.25, 1e-12);
  // Wilson bounds for 3/4 at 95%.
  assertAlmostEquals(e.ci95[0], 0.3006, 1e-4);
  assertAlmostEquals(e.ci95[1], 0.9544, 1e-4);
  const all = estimateMean([1, 1, 1]);
  assertEquals(all.ci95[1], 1);
  if (all.ci95[0] >= 1) throw new Error("Wilson lower bound should stay below 1 at 3/3");
});

Deno.test("estimateMean() counts repeated values: the two-pass mean and error of the list", () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 8 })), { minLength: 1 }),
    (pairs) => {
      const values = pairs.map(([n, c]) => Math.min(c, n) / n);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.length > 1
        ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)
        : 0;
      const estimate = estimateMean(values);
      assertEquals(estimate.mean, mean);
      assertEquals(estimate.count, values.length);
      assertClose(estimate.stderr, Math.sqrt(variance / values.length));
    },
  ));
});
