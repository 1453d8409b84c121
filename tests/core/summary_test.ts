import { assertEquals } from "../support/assert.ts";
import { summarize } from "../../core/summary.ts";
import type { ResponseRecord, SampleRecord } from "../../core/sample_record.ts";

function response(correctness: boolean | null, tokens: number, finish = "stop"): ResponseRecord {
  return {
    content: "x",
    finish_reason: finish,
    completion_tokens: tokens,
    correctness,
    reason: "",
    verdict: correctness === null ? "grader_error" : correctness ? "correct" : "incorrect",
  };
}

function sample(id: string, responses: ResponseRecord[], promptTokens = 10): SampleRecord {
  return {
    id,
    row: { _index: id },
    messages: [],
    prompt_tokens: promptTokens,
    responses,
    scored: true,
  };
}

const ctx = {
  configuration: {},
  n: 4,
  status: "scored" as const,
  scoring: null,
  fingerprint: {},
  version: "t",
};

Deno.test("summarize() counts tokens per response and prompts once per problem", () => {
  const s = summarize([
    sample("0", [
      response(true, 100),
      response(true, 50),
      response(false, 30),
      response(false, 20, "length"),
    ]),
    sample(
      "1",
      [response(false, 10), response(false, 10), response(false, 10), response(true, 10)],
      20,
    ),
  ], ctx);
  assertEquals(s.total_completion_tokens, 240);
  assertEquals(s.avg_completion_tokens, 30);
  assertEquals(s.total_prompt_tokens, 30);
  assertEquals(s.avg_prompt_tokens, 15);
  assertEquals(s.accuracy, 0.375);
  assertEquals(s.truncated_rate, 0.125);
  assertEquals(s.verdicts, { correct: 3, incorrect: 5 });
  // pass@1 = mean(2/4, 1/4); pass@4 = 1 for both; pass@2: 1-C(2,2)/C(4,2)=5/6 and 1-C(3,2)/C(4,2)=1/2.
  assertEquals(s.pass_at_k, { "k=4": 100, "k=2": 66.667, "k=1": 37.5 });
});

Deno.test("summarize() leaves unscored responses and failed samples out of accuracy", () => {
  const failed: SampleRecord = { ...sample("2", []), error: "HTTP 500", scored: false };
  const s = summarize([
    sample("0", [response(true, 1), response(null, 1), response(null, 1), response(false, 1)]),
    failed,
  ], ctx);
  assertEquals(s.accuracy, 0.5);
  assertEquals(s.scored_responses, 2);
  assertEquals(s.unscored_responses, 2);
  assertEquals(s.errored_samples, 1);
  assertEquals(s.errored_ids, ["2"]);
  assertEquals(s.pending_responses, 0);
  assertEquals(s.num_samples, 2);
});

Deno.test("summarize() gives no accuracy while running, after an interrupt or for generate only", () => {
  const records = [sample("0", [response(true, 1)]), sample("1", [response(false, 1)])];
  for (const status of ["running", "interrupted", "generated"] as const) {
    const s = summarize(records, { ...ctx, n: 1, status, expected: 5 });
    assertEquals([s.status, s.accuracy, s.pass_at_k], [status, null, null]);
    assertEquals([s.expected_samples, s.missing_samples], [5, 3]);
  }
});

Deno.test("summarize() calls a finished run with missing samples or pending scores partial", () => {
  const failed: SampleRecord = { ...sample("2", []), error: "HTTP 400", scored: false };
  const unscored: SampleRecord = { ...sample("3", [response(null, 1)]), scored: false };
  const withFailure = summarize([sample("0", [response(true, 1)]), failed], { ...ctx, n: 1 });
  assertEquals(
    [withFailure.status, withFailure.accuracy, withFailure.missing_samples],
    ["partial", 1, 1],
  );
  const withPending = summarize([sample("0", [response(false, 1)]), unscored], { ...ctx, n: 1 });
  assertEquals(
    [withPending.status, withPending.accuracy, withPending.covered_samples],
    ["partial", 0, 1],
  );
  const complete = summarize([sample("0", [response(true, 1)])], { ...ctx, n: 1, expected: 1 });
  assertEquals([complete.status, complete.accuracy], ["scored", 1]);
});
