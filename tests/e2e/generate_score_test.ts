/**
 * `generate` then `score --run-dir` (SkyThought's curation flow), `score
 * --ids`, re-scoring a folder that only has SkyThought's `results.json`,
 * and pass@k with n > 1.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, readJsonl, runCli, startReplayServer, taskFlags } from "./cli_helpers.ts";
import { testdataFile, testdataJsonl, testdataText } from "../support/testdata.ts";

Deno.test({
  name: "generate writes unscored generations that score --run-dir then scores in place",
  async fn() {
    const bench = testdataJsonl<{ problem: string }>("benchmarks/aime24.jsonl.gz");
    const gen = testdataJsonl<{ idx: number; code: string[]; score: boolean[] }>(
      "generations/qwen25math_harness/Qwen2.5-14B-Instruct/aime24.jsonl.gz",
    );
    const server = await startReplayServer(
      new Map(gen.map((g) => [bench[g.idx].problem, g.code[0]])),
    );
    const resultDir = await Deno.makeTempDir();
    const dataDir = await Deno.makeTempDir();
    try {
      const dataset = await testdataFile("benchmarks/aime24.jsonl.gz", dataDir);
      const generated = await runCli([
        "generate",
        ...taskFlags("aime24", "Qwen/Qwen2.5-14B-Instruct", server.url),
        "--dataset-path",
        dataset,
        "--result-dir",
        resultDir,
      ]);
      assertEquals(generated.code, 0, generated.stderr);
      const runDir = await onlyRunDir(resultDir);
      const unscored = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals([unscored.status, unscored.accuracy, unscored.scored_responses], [
        "generated",
        null,
        0,
      ]);
      const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
      assertEquals(results["0"].responses[0].correctness, null);

      const scored = await runCli(["score", "--run-dir", runDir]);
      assertEquals(scored.code, 0, scored.stderr);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals(summary.status, "scored");
      const correct = Math.round(summary.accuracy * 30);
      if (Math.abs(correct - 6) > 1) throw new Error(`scored ${correct}/30, published 6/30`);
      assertEquals(summary.configuration.task.name, "aime24");

      // --ids re-scores a subset and leaves the rest as they were: two wrong answers are
      // corrected in results.json, only the one named in --ids is scored again.
      const before = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
      const [named, other] = Object.keys(before).filter((k) => !before[k].responses[0].correctness);
      for (const id of [named, other]) {
        before[id].responses[0].content = `So the answer is $\\boxed{${before[id].answer}}$.`;
      }
      await Deno.writeTextFile(`${runDir}/results.json`, JSON.stringify(before));
      const again = await runCli(["score", "--run-dir", runDir, "--ids", named, "--scorer", "ts"]);
      assertEquals(again.code, 0, again.stderr);
      if (!again.stdout.includes("rescored 1 samples")) throw new Error(again.stdout);
      const after = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
      assertEquals(after[named].responses[0].correctness, true);
      assertEquals(after[other].responses[0].correctness, false, "a sample outside --ids");
      const rescored = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals(Math.round(rescored.accuracy * 30), correct + 1);
      const bad = await runCli(["score", "--run-dir", runDir, "--ids", "0,999"]);
      assertEquals(bad.code, 2, bad.stderr);
      if (!bad.stderr.includes("999")) throw new Error(`unknown --ids accepted: ${bad.stderr}`);

      // A SkyThought run folder has only results.json and summary.json.
      await Deno.remove(`${runDir}/samples.jsonl`);
      const imported = await runCli(["score", "--run-dir", runDir, "--task", "aime24"]);
      assertEquals(imported.code, 0, imported.stderr);
      assertEquals(
        JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`)).accuracy,
        rescored.accuracy,
      );
      assertEquals((await readJsonl(`${runDir}/samples.jsonl`)).length, 30);
    } finally {
      await server.close();
      await Deno.remove(resultDir, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("evaluate with n > 1 reports unbiased pass@k and per-response tokens", async () => {
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(
    dataset,
    [{ problem: "What is 2+2?", answer: "4" }, { problem: "What is 3+3?", answer: "6" }]
      .map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  // Problem 1: 2 of 4 right; problem 2: 1 of 4 right.
  const server = await startOpenAIServer({
    answer(req) {
      const prompt = req.messages.at(-1)!.content;
      return prompt.includes("2+2")
        ? ["\\boxed{4}", "\\boxed{5}", "\\boxed{4}", "\\boxed{3}"]
        : ["\\boxed{6}", "\\boxed{7}", "\\boxed{8}", "no idea"];
    },
  });
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--sampling-params",
      "temperature=0.7,top_p=0.95",
      "--n",
      "4",
      "--result-dir",
      resultDir,
    ]);
    assertEquals(run.code, 0, run.stderr);
    const summary = JSON.parse(
      await Deno.readTextFile(`${await onlyRunDir(resultDir)}/summary.json`),
    );
    assertEquals(summary.accuracy, 0.375);
    assertEquals(summary.pass_at_k["k=1"], 37.5);
    assertEquals(summary.pass_at_k["k=4"], 100);
    // pass@2: 1 - C(2,2)/C(4,2) = 5/6 and 1 - C(3,2)/C(4,2) = 1/2.
    assertEquals(summary.pass_at_k["k=2"], 66.667);
    assertEquals(summary.verdicts, { correct: 3, incorrect: 4, no_answer: 1 });
    assertEquals(server.requests.map((r) => [r.n, r.temperature, r.top_p]), [[4, 0.7, 0.95], [
      4,
      0.7,
      0.95,
    ]]);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test({
  name: "score re-scores SkyThought's old temperature-keyed results.json",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/results.json`,
        testdataText(
          "generations/skythought_native/Qwen2.5-32B-Instruct_AIME_train_None_0_-1_still2_sys_zero.json.gz",
        ),
      );
      await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify({ configuration: {} }));
      const run = await runCli(["score", "--run-dir", dir, "--task", "aime24"]);
      assertEquals(run.code, 0, run.stderr);
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
      // SkyThought's own labels in that file give 6 of 30; the published grader agrees here.
      assertEquals([summary.num_samples, Math.round(summary.accuracy * 30)], [30, 6]);
      assertEquals(summary.fingerprint.rescored_as_task, "aime24");

      // Editing results.json (as curation scripts do) and re-scoring uses the edited text.
      const results = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
      const [id] = Object.keys(results).filter((k) => !results[k].responses[0].correctness);
      results[id].responses[0].content = `So the answer is $\\boxed{${results[id].answer}}$.`;
      await Deno.writeTextFile(`${dir}/results.json`, JSON.stringify(results));
      const again = await runCli(["score", "--run-dir", dir, "--task", "aime24"]);
      assertEquals(again.code, 0, again.stderr);
      if (!again.stderr.includes("edited text of 1 samples")) throw new Error(again.stderr);
      const rescored = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
      assertEquals(rescored[id].responses[0].correctness, true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
