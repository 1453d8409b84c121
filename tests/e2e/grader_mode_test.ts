/**
 * `--grader skythought` end to end: the same run graded by skyeval's rules
 * and, re-scored, by SkyThought's leniencies; summary.json says which.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, runCli, taskFlags } from "./cli_helpers.ts";

Deno.test("evaluate records the grader; score --grader skythought re-grades leniently", async () => {
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(
    dataset,
    [
      { problem: "Write 3/4 as a decimal.", answer: "0.75" },
      { problem: "Solve x-2 > 0.", answer: "(2,\\infty)" },
    ].map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  // Both answers are wrong; SkyThought's grader accepts both (percent scaling, brackets ignored).
  const server = await startOpenAIServer({
    answer: (req) =>
      req.messages.at(-1)!.content.includes("3/4") ? "\\boxed{75}" : "\\boxed{[2,\\infty)}",
  });
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(run.code, 0, run.stderr);
    const runDir = await onlyRunDir(resultDir);
    const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals([summary.accuracy, summary.scoring.grader], [0, "skyeval"]);

    const lenient = await runCli(["score", "--run-dir", runDir, "--grader", "skythought"]);
    assertEquals(lenient.code, 0, lenient.stderr);
    const rescored = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals([rescored.accuracy, rescored.scoring.grader], [1, "skythought"]);
    assertEquals(rescored.scoring.answer_path, "ts");

    const bad = await runCli(["score", "--run-dir", runDir, "--grader", "sympy"]);
    assertEquals(bad.code, 2);
    assertEquals(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});
