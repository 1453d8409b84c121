import assert from "node:assert/strict";
import fc from "fast-check";
import { largestRemainder, splitCompletionTokens } from "../../backends/token_usage.ts";

const facts = (chars: number, finishReason = "stop", reportedTokens: number | null = null) => ({
  chars,
  finishReason,
  reportedTokens,
});

Deno.test("splitCompletionTokens() uses the server's per-choice counts when it gives them", () => {
  assert.deepEqual(splitCompletionTokens(99, [facts(1, "stop", 5), facts(1, "stop", 7)], null), [
    { tokens: 5, kind: "reported" },
    { tokens: 7, kind: "reported" },
  ]);
});

Deno.test("splitCompletionTokens() gives one choice the whole total and unknown totals null", () => {
  assert.deepEqual(splitCompletionTokens(42, [facts(10)], null), [{
    tokens: 42,
    kind: "reported",
  }]);
  assert.deepEqual(splitCompletionTokens(null, [facts(10), facts(3)], null), [{ tokens: null }, {
    tokens: null,
  }]);
});

Deno.test("splitCompletionTokens() splits by characters, never all on sample 0", () => {
  const split = splitCompletionTokens(100, [facts(300), facts(100), facts(100)], null);
  assert.deepEqual(split.map((s) => s.tokens), [60, 20, 20]);
  assert.ok(split.every((s) => s.kind === "apportioned"));
  assert.deepEqual(
    splitCompletionTokens(7, [facts(0), facts(0), facts(0)], null).map((s) => s.tokens),
    [3, 2, 2],
  );
});

Deno.test("splitCompletionTokens() pins choices cut by max_tokens when the pins fit", () => {
  const split = splitCompletionTokens(1100, [facts(5000, "length"), facts(50), facts(150)], 1000);
  assert.deepEqual(split.map((s) => s.tokens), [1000, 25, 75]);
  const allCut = splitCompletionTokens(2000, [facts(10, "length"), facts(90, "length")], 1000);
  assert.deepEqual(allCut.map((s) => s.tokens), [1000, 1000]);
  const misfit = splitCompletionTokens(500, [facts(100, "length"), facts(100)], 1000);
  assert.deepEqual(
    misfit.map((s) => s.tokens),
    [250, 250],
    "pins that exceed the total are dropped",
  );
});

Deno.test("largestRemainder() parts are non-negative integers summing to the total", () => {
  fc.assert(
    fc.property(
      fc.nat(1_000_000),
      fc.array(fc.nat(100_000), { minLength: 1, maxLength: 64 }),
      (total, weights) => {
        const parts = largestRemainder(total, weights);
        assert.equal(parts.length, weights.length);
        assert.equal(parts.reduce((a, b) => a + b, 0), total);
        assert.ok(parts.every((p) => Number.isInteger(p) && p >= 0));
        const sum = weights.reduce((a, b) => a + b, 0);
        if (sum > 0) {
          parts.forEach((p, i) => assert.ok(Math.abs(p - (total * weights[i]) / sum) < 1));
        }
      },
    ),
  );
});

Deno.test("splitCompletionTokens() always adds up to the total", () => {
  fc.assert(
    fc.property(
      fc.nat(200_000),
      fc.array(fc.record({ chars: fc.nat(50_000), cut: fc.boolean() }), {
        minLength: 2,
        maxLength: 16,
      }),
      fc.integer({ min: 1, max: 40_000 }),
      (total, choices, maxTokens) => {
        const split = splitCompletionTokens(
          total,
          choices.map((c) => facts(c.chars, c.cut ? "length" : "stop")),
          maxTokens,
        );
        assert.equal(split.reduce((a, s) => a + (s.tokens ?? 0), 0), total);
      },
    ),
  );
});
