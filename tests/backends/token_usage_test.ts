import assert from "node:assert/strict";
import fc from "fast-check";
import type { AssembledChoices, ChoiceRecord } from "../../backends/choice_accumulator.ts";
import { completionTokenCounts, largestRemainder, splitTotal } from "../../backends/token_usage.ts";

function choice(
  chars: number,
  options: Partial<ChoiceRecord> = {},
): ChoiceRecord {
  return {
    index: 0,
    content: "x".repeat(chars),
    reasoning: "",
    finishReason: "stop",
    tokenIds: null,
    chunks: 0,
    ...options,
  };
}

function answer(total: number | null, choices: ChoiceRecord[]): AssembledChoices {
  return {
    choices: choices.map((c, index) => ({ ...c, index })),
    usage: { promptTokens: 3, completionTokens: total },
  };
}

const tokensOf = (counts: ReturnType<typeof completionTokenCounts>) =>
  counts.perChoice.map((c) => c.tokens);
const kindsOf = (counts: ReturnType<typeof completionTokenCounts>) =>
  counts.perChoice.map((c) => c.kind);

Deno.test("completionTokenCounts() uses the server's per-choice counts when it gives them", () => {
  const counts = completionTokenCounts(
    answer(99, [choice(1, { tokenIds: 5 }), choice(1, { tokenIds: 7 })]),
    null,
    false,
  );
  assert.deepEqual(tokensOf(counts), [5, 7]);
  assert.deepEqual(kindsOf(counts), ["reported", "reported"]);
  assert.equal(counts.promptTokens, 3);
});

Deno.test("completionTokenCounts() gives one choice the whole total and unknown totals null", () => {
  const one = completionTokenCounts(answer(42, [choice(10)]), null, false);
  assert.deepEqual(one.perChoice, [{ tokens: 42, kind: "reported" }]);
  const none = completionTokenCounts(answer(null, [choice(10), choice(3)]), null, false);
  assert.deepEqual(none.perChoice, [{ tokens: null }, { tokens: null }]);
});

Deno.test("completionTokenCounts() counts streamed deltas per choice when the total is short (llama.cpp, n > 1)", () => {
  // llama.cpp's server: three choices of 7 tokens each, usage.completion_tokens 7.
  const streamed = answer(7, [
    choice(30, { chunks: 7 }),
    choice(20, { chunks: 7 }),
    choice(25, { chunks: 7 }),
  ]);
  const counts = completionTokenCounts(streamed, null, true);
  assert.deepEqual(tokensOf(counts), [7, 7, 7], "never the total divided");
  assert.deepEqual(kindsOf(counts), ["stream_chunks", "stream_chunks", "stream_chunks"]);
  const exact = completionTokenCounts(answer(21, streamed.choices), null, true);
  assert.deepEqual(tokensOf(exact), [7, 7, 7]);
});

Deno.test("completionTokenCounts() shares a larger total by streamed deltas (several tokens per delta)", () => {
  const counts = completionTokenCounts(
    answer(40, [choice(1, { chunks: 3 }), choice(1, { chunks: 1 })]),
    null,
    true,
  );
  assert.deepEqual(tokensOf(counts), [30, 10]);
  assert.deepEqual(kindsOf(counts), ["apportioned", "apportioned"]);
});

Deno.test("completionTokenCounts() splits an unstreamed total by characters, never all on sample 0", () => {
  const counts = completionTokenCounts(
    answer(100, [choice(300), choice(100), choice(100)]),
    null,
    false,
  );
  assert.deepEqual(tokensOf(counts), [60, 20, 20]);
  assert.deepEqual(kindsOf(counts), ["apportioned", "apportioned", "apportioned"]);
  assert.deepEqual(
    tokensOf(completionTokenCounts(answer(7, [choice(0), choice(0), choice(0)]), null, false)),
    [3, 2, 2],
  );
});

Deno.test("splitTotal() pins choices cut by max_tokens when the pins fit", () => {
  assert.deepEqual(splitTotal(1100, [5000, 50, 150], ["length", "stop", "stop"], 1000), [
    1000,
    25,
    75,
  ]);
  assert.deepEqual(splitTotal(2000, [10, 90], ["length", "length"], 1000), [1000, 1000]);
  assert.deepEqual(
    splitTotal(500, [100, 100], ["length", "stop"], 1000),
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

Deno.test("splitTotal() always adds up to the total", () => {
  fc.assert(
    fc.property(
      fc.nat(200_000),
      fc.array(fc.record({ chars: fc.nat(50_000), cut: fc.boolean() }), {
        minLength: 2,
        maxLength: 16,
      }),
      fc.integer({ min: 1, max: 40_000 }),
      (total, choices, maxTokens) => {
        const split = splitTotal(
          total,
          choices.map((c) => c.chars),
          choices.map((c) => (c.cut ? "length" : "stop")),
          maxTokens,
        );
        assert.equal(split.reduce((a, b) => a + b, 0), total);
      },
    ),
  );
});
