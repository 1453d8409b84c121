import { assertAlmostEquals, assertEquals } from "../support/assert.ts";
import { type ComparedRun, compareRuns } from "../../core/compare_runs.ts";
import type { SampleRecord } from "../../core/sample_record.ts";
import { mcnemarExactP } from "../../core/stats/mcnemar.ts";

function record(id: string, outcomes: (boolean | null)[], problem = `problem ${id}`): SampleRecord {
  return {
    id,
    row: { _index: id, problem },
    messages: [],
    prompt_tokens: 1,
    responses: outcomes.map((correctness) => ({
      content: "",
      finish_reason: "stop",
      completion_tokens: 1,
      correctness,
      reason: "",
    })),
    scored: true,
  };
}

const fingerprint = (sha: string, prompt = "p") => ({
  fingerprint: {
    dataset: { sha256: sha },
    prompt_sha256: prompt,
    task_version: 1,
    skyeval_version: "0.1.0",
    sampling: { temperature: 0 },
  },
  configuration: { task: { name: "math500" } },
});

function run(label: string, records: SampleRecord[], summary: object | null = fingerprint("d")) {
  return { label, summary, records } as ComparedRun;
}

Deno.test("compareRuns() with one response each runs McNemar's exact test on the flips", () => {
  // A right on 0-5, B right on 0-3 and 6-9: B gains 6-9 (4), loses 4-5 (2).
  const a = run("a", Array.from({ length: 10 }, (_, i) => record(String(i), [i < 6])));
  const b = run("b", Array.from({ length: 10 }, (_, i) => record(String(i), [i < 4 || i > 5])));
  const c = compareRuns(a, b);
  assertEquals(c.test, "mcnemar_exact");
  assertEquals(c.shared_problems, 10);
  assertAlmostEquals(c.difference, 0.2, 1e-12);
  assertEquals(c.a.accuracy, 0.6);
  assertEquals(c.b.accuracy, 0.8);
  assertEquals(c.p_value, mcnemarExactP(2, 4));
  assertEquals(c.improved.map((m) => m.id), ["6", "7", "8", "9"]);
  assertEquals(c.regressed.map((m) => m.id), ["4", "5"]);
  // Variance of the differences: 6/10 − 0.04 = 0.56; half-width 1.96 · sqrt(0.056).
  assertAlmostEquals(c.ci95[1] - c.difference, 1.959963984540054 * Math.sqrt(0.056), 1e-12);
  // 7.849 · 0.56 / 0.04 = 109.9.
  assertEquals(c.problems_needed, 110);
  assertEquals(c.not_comparable, []);
  assertEquals(c.warnings, []);
});

Deno.test("compareRuns() with n > 1 bootstraps per-problem accuracy", () => {
  const a = run("a", [
    record("x", [true, false]),
    record("y", [false, false]),
    record("z", [true, true]),
  ]);
  const b = run("b", [
    record("x", [true, true]),
    record("y", [false, true]),
    record("z", [true, true]),
  ]);
  const c = compareRuns(a, b, { seed: "1" });
  assertEquals(c.test, "paired_bootstrap");
  assertAlmostEquals(c.difference, 1 / 3, 1e-12);
  assertEquals(c.improved, [{ id: "x", a: 0.5, b: 1 }, { id: "y", a: 0, b: 0.5 }]);
  assertEquals(c.regressed, []);
  assertEquals(c.ci95[0] >= 0 && c.ci95[1] <= 1 / 3 * 2, true);
});

Deno.test("compareRuns() pairs shared problems only and leaves out unscored ones", () => {
  const a = run("a", [record("1", [true]), record("2", [null]), record("3", [false])]);
  const b = run("b", [record("1", [true]), record("2", [true]), record("4", [true])]);
  const c = compareRuns(a, b);
  assertEquals([c.shared_problems, c.only_in_a, c.only_in_b, c.unscored_in_either], [2, 1, 1, 1]);
  assertEquals(c.difference, 0);
  assertEquals(c.problems_needed, null);
});

Deno.test("compareRuns() pairs by problem text when the runs number problems differently", () => {
  const a = run(
    "a",
    [record("0", [true], "What is 1+1?"), record("1", [false], "What is 2+2?")],
    null,
  );
  const b = run("b", [
    record("What is 2+2?", [true], "What is  2+2?"),
    record("What is 1+1?", [true], "What is 1+1?"),
  ], null);
  const c = compareRuns(a, b);
  assertEquals(c.paired_by, "problem text");
  assertEquals(c.improved.map((m) => m.id), ["1"]);
  assertEquals(c.warnings.length, 3);
});

Deno.test("compareRuns() says when fingerprints make runs incomparable", () => {
  const records = [record("1", [true])];
  const other = compareRuns(run("a", records), run("b", records, fingerprint("e", "q")));
  assertEquals(other.not_comparable.length, 1);
  if (!/datasets differ/.test(other.not_comparable[0])) throw new Error(other.not_comparable[0]);
  if (!other.warnings.some((w) => /prompts differ/.test(w))) throw new Error("no prompt warning");
  const task = { ...fingerprint("d"), configuration: { task: { name: "aime24" } } };
  assertEquals(compareRuns(run("a", records), run("b", records, task)).not_comparable, [
    'The runs are of different tasks ("math500" and "aime24")',
  ]);
});
