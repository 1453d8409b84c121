/**
 * Prompts and targets built from real benchmark rows must match the
 * reference's prompt texts (skythought.md section 2.3).
 */
import { assertEquals } from "../support/assert.ts";
import { prepareSamples } from "../../core/prepare.ts";
import { loadModelCatalog, resolveModelConfig } from "../../models/model_config.ts";
import { loadTask } from "../../tasks/registry.ts";

import { testdataJsonl } from "../support/testdata.ts";

const catalog = await loadModelCatalog();
const noSystem = resolveModelConfig("some/unlisted-model", catalog);
const ctx = {
  model: noSystem,
  start: 0,
  end: -1,
  seed: 41,
  loadAuxiliary: () => Promise.resolve([]),
};

Deno.test({
  name: "math500 prompt puts the boxed instruction first",
  async fn() {
    const [s] = await prepareSamples(
      await loadTask("math500"),
      testdataJsonl("benchmarks/math500.jsonl.gz", 1),
      ctx,
    );
    const row = (testdataJsonl("benchmarks/math500.jsonl.gz", 1))[0];
    assertEquals(s.messages, [{
      role: "user",
      content: `Return your final response within \\boxed{}. ${row.problem}`,
    }]);
    assertEquals(s.target, { kind: "answer", format: "math", gold: String(row.answer) });
    assertEquals(s.id, "0");
  },
});

Deno.test({
  name: "aime24 keeps 2024 rows and aime24_sky puts the instruction after",
  async fn() {
    const rows = testdataJsonl("benchmarks/aime24.jsonl.gz", 30);
    const skewed = [{ ...rows[0], url: "https://aops/2023_AIME" }, ...rows];
    const samples = await prepareSamples(await loadTask("aime24"), skewed, ctx);
    assertEquals(samples.length, 30);
    assertEquals(samples[0].id, "1");
    const sky = await prepareSamples(await loadTask("aime24_sky"), rows, ctx);
    assertEquals(
      sky[0].messages[0].content,
      `${rows[0].problem}\nReturn your final response within \\boxed{}`,
    );
  },
});

Deno.test({
  name: "gsm8k prompt and gold follow the reference",
  async fn() {
    const rows = testdataJsonl("benchmarks/gsm8k_test.jsonl.gz", 1);
    const [s] = await prepareSamples(await loadTask("gsm8k"), rows, ctx);
    assertEquals(
      s.messages[0].content,
      `Given the following problem, reason and give a final answer to the problem.\nProblem: ${
        rows[0].question
      }\nYour response should end with "The final answer is [answer]" where [answer] is the response to the problem.`,
    );
    assertEquals(s.target, { kind: "answer", format: "gsm8k", gold: "18" });
  },
});

Deno.test({
  name: "arc_c lists choices as A.<text> and maps numeric keys",
  async fn() {
    const [row] = testdataJsonl("benchmarks/arc_challenge_test_head.jsonl", 1);
    const choices = row.choices as { text: string[]; label: string[] };
    // Some ARC items are labelled 1-4 instead of A-D.
    const numeric = {
      ...row,
      choices: { ...choices, label: ["1", "2", "3", "4"] },
      answerKey: "3",
    };
    const samples = await prepareSamples(await loadTask("arc_c"), [row, numeric], ctx);
    const listed = choices.text.map((t, i) => `${"ABCD"[i]}.${t}`).join("\n");
    for (const s of samples) {
      assertEquals(s.messages[0].content.endsWith(`\n${row.question}\n${listed}`), true);
    }
    assertEquals(samples.map((s) => s.target.kind === "answer" && s.target.gold), [
      row.answerKey,
      "C",
    ]);
  },
});

Deno.test({
  name: "mmlu_pro lists lettered answer choices",
  async fn() {
    const rows = testdataJsonl("benchmarks/mmlu_pro_test_head.jsonl", 1);
    const [s] = await prepareSamples(await loadTask("mmlu_pro"), rows, ctx);
    const options = rows[0].options as string[];
    const listed = options.map((o, i) => `(${"ABCDEFGHIJ"[i]}) ${o.trim()}`).join(" ");
    assertEquals(
      s.messages[0].content,
      `Return your final response within \\boxed{}. ${rows[0].question}\nAnswer Choices: ${listed}`,
    );
    assertEquals(
      s.target.kind === "answer" && s.target.gold,
      "ABCDEFGHIJ"[Number(rows[0].answer_index)],
    );
  },
});

Deno.test("gpqa_diamond shuffles per seed and row, and records the gold letter", async () => {
  const row = {
    Question: "Which is heavier?",
    "Correct Answer": "lead",
    "Incorrect Answer 1": "air",
    "Incorrect Answer 2": "helium",
    "Incorrect Answer 3": "foam",
  };
  const task = await loadTask("gpqa_diamond");
  const a = await prepareSamples(task, [row, row, row, row], ctx);
  const b = await prepareSamples(task, [row, row, row, row], ctx);
  assertEquals(a.map((s) => s.messages), b.map((s) => s.messages));
  for (const s of a) {
    if (s.target.kind !== "answer") throw new Error("not an answer target");
    assertEquals(s.target.choices![("ABCD").indexOf(s.target.gold)], "lead");
    assertEquals(
      s.messages[0].content.startsWith(
        "Return your final response within \\boxed{} and only include the letter choice (A, B, C, or D) as your final response. Which is heavier?\nA) ",
      ),
      true,
    );
  }
  const other = await prepareSamples(task, [row, row, row, row], { ...ctx, seed: 7 });
  const orders = (xs: typeof a) =>
    xs.map((s) => s.target.kind === "answer" ? s.target.gold : "").join("");
  if (orders(a) === orders(other) && orders(a) === orders(b)) {
    // Different seeds may coincide on 4 rows, but not on all of 20.
    const many = Array.from({ length: 20 }, () => row);
    const x = await prepareSamples(task, many, ctx);
    const y = await prepareSamples(task, many, { ...ctx, seed: 7 });
    if (orders(x) === orders(y)) throw new Error("the seed does not change the option order");
  }
});

Deno.test("models: system prompt, user template and prefill resolve like the reference", () => {
  const sky = resolveModelConfig("NovaSky-AI/Sky-T1-32B-Preview", catalog);
  assertEquals(sky.system_prompt!.length, 1310);
  assertEquals(
    resolveModelConfig("Qwen/Qwen2.5-7B-Instruct", catalog).system_prompt_name,
    "qwen_cot",
  );
  const o1 = resolveModelConfig("o1-mini", catalog, { assistantPrefill: "<think>\n" });
  assertEquals(o1.user_template, "Question: {}\nAnswer: ");
  assertEquals(o1.assistant_prefill, "<think>\n");
  const overridden = resolveModelConfig("Qwen/Qwen2.5-7B-Instruct", catalog, {
    systemPrompt: "Be brief.",
  });
  assertEquals(overridden.system_prompt, "Be brief.");
  assertEquals(catalog.systemPrompts.prime_rl.includes("{actions}"), false);
});
