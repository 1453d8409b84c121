/**
 * Unscored responses (`grader_error`, `infra_error`) are left out of every estimate, not only
 * accuracy: the standard error and the 95% interval are those of the scored responses alone.
 */
import { assertEquals } from "../support/assert.ts";
import { summarize } from "../../core/summary.ts";
import type { ResponseRecord, SampleRecord } from "../../core/sample_record.ts";

function response(correctness: boolean | null): ResponseRecord {
  return {
    content: "x",
    finish_reason: "stop",
    completion_tokens: 1,
    correctness,
    reason: "",
    verdict: correctness === null ? "grader_error" : correctness ? "correct" : "incorrect",
  };
}

function sample(id: string, correctness: (boolean | null)[]): SampleRecord {
  return {
    id,
    row: { _index: id },
    messages: [],
    prompt_tokens: 1,
    responses: correctness.map(response),
    scored: true,
  };
}

const ctx = (n: number) => ({
  configuration: {},
  n,
  status: "scored" as const,
  scoring: null,
  fingerprint: {},
  version: "t",
});

function estimates(records: SampleRecord[], n: number) {
  const s = summarize(records, ctx(n));
  return { accuracy: s.accuracy, stderr: s.stderr, ci95: s.ci95 };
}

Deno.test("summarize() leaves unscored responses out of the standard error and interval", () => {
  const withUnscored = [
    sample("0", [true]),
    sample("1", [false]),
    sample("2", [true]),
    sample("3", [null]),
    sample("4", [null]),
  ];
  const scoredOnly = withUnscored.slice(0, 3);
  assertEquals(estimates(withUnscored, 1), estimates(scoredOnly, 1));
  assertEquals(summarize(withUnscored, ctx(1)).unscored_responses, 2);
});

Deno.test("summarize() with n > 1 averages each problem over its scored responses only", () => {
  const withUnscored = [
    sample("0", [true, null, false, null]),
    sample("1", [null, null, null, null]),
    sample("2", [true, true, null, true]),
  ];
  const scoredOnly = [sample("0", [true, false]), sample("2", [true, true, true])];
  assertEquals(estimates(withUnscored, 4), estimates(scoredOnly, 4));
});

Deno.test("summarize() gives no interval when nothing was scored", () => {
  const s = summarize([sample("0", [null]), sample("1", [null])], ctx(1));
  assertEquals([s.stderr, s.ci95, s.scored_responses], [null, null, 0]);
});
