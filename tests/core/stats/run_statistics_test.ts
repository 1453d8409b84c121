import { assertEquals } from "../../support/assert.ts";
import { runStatistics } from "../../../core/stats/run_statistics.ts";
import type { ResponseRecord, SampleRecord } from "../../../core/sample_record.ts";

function response(
  extracted: string | null,
  correctness: boolean | null,
  tokens: number,
  reasoning?: number,
): ResponseRecord {
  return {
    content: "x",
    finish_reason: "stop",
    completion_tokens: tokens,
    correctness,
    reason: "",
    extracted,
    ...(reasoning !== undefined ? { reasoning_tokens: reasoning } : {}),
  };
}

function sample(id: string, level: number, responses: ResponseRecord[]): SampleRecord {
  return {
    id,
    row: { _index: id, level },
    messages: [],
    prompt_tokens: 10,
    latency_ms: 1500,
    responses,
    scored: true,
  };
}

Deno.test("runStatistics() computes mean@n, maj@k, breakdowns and tokens by hand", () => {
  const stats = runStatistics([
    sample("a", 1, [
      response("4", true, 100, 60),
      response("5", false, 100, 60),
      response("4", true, 100, 60),
      response("4", true, 100, 60),
    ]),
    // One unscored response: 1 of 3 judged correct.
    sample("b", 2, [
      response("1", false, 50),
      response("2", true, 50),
      response("1", null, 50),
      response("1", false, 50),
    ]),
    {
      id: "c",
      row: {},
      messages: [],
      prompt_tokens: null,
      responses: [],
      error: "x",
      scored: false,
    },
  ], 4);
  // Problem accuracies 3/4 and 1/3: mean 13/24.
  assertEquals(stats.mean_at_n, 0.5417);
  // maj@4: a votes 4 (right), b votes 1 (wrong) -> 50%; maj@2: a tie 4/5 -> 4 (right),
  // b tie 1/2 -> 1 (wrong) -> 50%; maj@1: a right, b wrong -> 50%.
  assertEquals(stats.maj_at_k, { "k=4": 50, "k=2": 50, "k=1": 50 });
  assertEquals(stats.breakdowns.level["1"], {
    problems: 1,
    responses: 4,
    correct: 3,
    accuracy: 0.75,
  });
  // 600 completion tokens over 4 correct responses.
  assertEquals(stats.tokens, {
    prompt: 20,
    completion: 600,
    reasoning: 240,
    completion_per_correct: 150,
  });
  assertEquals(stats.time, { generation_seconds: 3, mean_seconds_per_sample: 1.5 });
  // Clustered over 7 judged responses, 4 correct: residual sums 3 − 16/7 and 1 − 12/7.
  const mean = 4 / 7;
  const se = Math.sqrt((3 - 4 * mean) ** 2 + (1 - 3 * mean) ** 2) / 7;
  assertEquals(stats.clustered_stderr, Math.round(se * 1e4) / 1e4);
});

Deno.test("runStatistics() with n = 1 has no maj@k and no reasoning tokens", () => {
  const stats = runStatistics([sample("a", 1, [response("4", true, 10)])], 1);
  assertEquals(stats.maj_at_k, null);
  assertEquals(stats.tokens.reasoning, null);
  assertEquals(stats.mean_at_n, 1);
});

Deno.test("runStatistics() of unscored records has no accuracy figures", () => {
  const stats = runStatistics(
    [{ ...sample("a", 1, [response(null, null, 10)]), scored: false }],
    1,
  );
  assertEquals(stats.mean_at_n, null);
  assertEquals(stats.clustered_ci95, null);
  assertEquals(stats.tokens.completion_per_correct, null);
  assertEquals(stats.breakdowns, {});
});
