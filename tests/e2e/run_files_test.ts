/**
 * What a user hands skyeval besides flags: a local dataset (the task's
 * subset still applies), a run folder with a damaged or missing
 * `summary.json`, a SkyThought run folder with only `results.json`.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, readJsonl, runCli, taskFlags } from "./cli_helpers.ts";

async function writeJsonl(rows: Record<string, unknown>[]): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

/** Answers every question with the number in it (so every problem is right). */
const echoServer = () =>
  startOpenAIServer({
    answer: (req) => `\\boxed{${/(\d+)/.exec(req.messages.at(-1)!.content)?.[1]}}`,
  });

Deno.test("--dataset-path keeps the task's subset, and names what it cannot apply", async () => {
  // Both AIME 2025 papers in one file, as local copies have them.
  const dataset = await writeJsonl(
    ["AIME2025-I", "AIME2025-II"].flatMap((subset) =>
      [1, 2, 3].map((i) => ({
        question: `${subset} problem ${i}: give ${i}`,
        answer: `${i}`,
        subset,
      }))
    ),
  );
  const task = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(
    task,
    "handler: math\ndataset_path: org/versioned\ndataset_split: test\n" +
      "dataset_kwargs:\n  version_tag: release_v2\nquestion_key: question\nanswer_key: answer\n" +
      'templating_parameters:\n  template: "{prompt}"\n',
  );
  const server = await echoServer();
  const resultDir = await Deno.makeTempDir();
  try {
    const aime = await runCli([
      "generate",
      ...taskFlags("aime25_1", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(aime.code, 0, aime.stderr);
    if (!aime.stderr.includes(`kept the 3 of 6 rows whose "subset" is "AIME2025-I"`)) {
      throw new Error(aime.stderr);
    }
    const runDir = await onlyRunDir(resultDir);
    const rows = await readJsonl<{ row: { subset: string } }>(`${runDir}/samples.jsonl`);
    assertEquals(rows.map((r) => r.row.subset), ["AIME2025-I", "AIME2025-I", "AIME2025-I"]);

    const versioned = await runCli([
      "generate",
      ...taskFlags(task, "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(versioned.code, 0, versioned.stderr);
    const notes = versioned.stderr.split("\n").filter((l) => l.includes("version_tag"));
    assertEquals(notes.length, 1, versioned.stderr);
    if (!notes[0].includes(`"release_v2"`) || !notes[0].includes("all 6 rows")) {
      throw new Error(notes[0]);
    }
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
    await Deno.remove(task);
  }
});

Deno.test("a corrupt summary.json is rebuilt from samples.jsonl by --resume-from and by score", async () => {
  const dataset = await writeJsonl(
    [1, 2, 3].map((i) => ({ problem: `give ${i}`, answer: `${i}` })),
  );
  const server = await echoServer();
  const resultDir = await Deno.makeTempDir();
  try {
    const args = [
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ];
    assertEquals((await runCli(args)).code, 0);
    const runDir = await onlyRunDir(resultDir);
    const summaryPath = `${runDir}/summary.json`;
    const whole = await Deno.readTextFile(summaryPath);

    await Deno.writeTextFile(summaryPath, whole.slice(0, 40));
    const resumed = await runCli([...args, "--resume-from", runDir]);
    assertEquals(resumed.code, 0, resumed.stderr);
    if (!/note: summary\.json is corrupt.*rebuilt from samples\.jsonl/.test(resumed.stderr)) {
      throw new Error(resumed.stderr);
    }
    const afterResume = JSON.parse(await Deno.readTextFile(summaryPath));
    assertEquals([afterResume.status, afterResume.accuracy], ["scored", 1]);
    assertEquals(server.requests.length, 3); // nothing generated again

    await Deno.writeTextFile(summaryPath, "{ truncated");
    const scored = await runCli(["score", "--run-dir", runDir, "--task", "math500"]);
    assertEquals(scored.code, 0, scored.stderr);
    if (
      !scored.stderr.includes("note: summary.json is corrupt; rebuilding it from samples.jsonl")
    ) {
      throw new Error(scored.stderr);
    }
    const afterScore = JSON.parse(await Deno.readTextFile(summaryPath));
    assertEquals([afterScore.status, afterScore.accuracy, afterScore.num_samples], [
      "scored",
      1,
      3,
    ]);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("score works on a SkyThought run folder holding only results.json, with or without --task", async () => {
  // SkyThought's layout: keyed by _index, responses with content, token_usages per response.
  const results = Object.fromEntries([["0", "4"], ["1", "5"]].map(([id, said]) => [id, {
    problem: `What is ${id === "0" ? "2+2" : "3+3"}?`,
    answer: id === "0" ? "4" : "6",
    prompt: "p",
    input_conversation: [{ role: "user", content: "p" }],
    responses: [{ content: `\\boxed{${said}}`, correctness: null, reason: "" }],
    token_usages: [{ completion_tokens: 5, prompt_tokens: 3 }],
  }]));
  for (const withTask of [true, false]) {
    const parent = await Deno.makeTempDir();
    const runDir = `${parent}/Qwen_Qwen2.5-7B-Instruct_math500_a1b2c3`;
    await Deno.mkdir(runDir);
    await Deno.writeTextFile(`${runDir}/results.json`, JSON.stringify(results));
    try {
      const unknown = await runCli(["score", "--run-dir", runDir, "--ids", "1,7,x"]);
      assertEquals(unknown.code, 2, unknown.stderr);
      assertEquals(unknown.stderr.trim().split("\n").at(-1), "error: --ids not in this run: 7, x");
      const run = await runCli([
        "score",
        "--run-dir",
        runDir,
        ...(withTask ? ["--task", "math500"] : []),
      ]);
      assertEquals(run.code, 0, run.stderr);
      if (!run.stderr.includes("summary.json is missing")) throw new Error(run.stderr);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals([summary.status, summary.accuracy, summary.num_samples], ["scored", 0.5, 2]);
      assertEquals(summary.configuration.task.name, "math500");
      const scored = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
      assertEquals([scored["0"].responses[0].correctness, scored["1"].responses[0].correctness], [
        true,
        false,
      ]);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  }
});

Deno.test("a truncated response's reason says it was truncated", async () => {
  const dataset = await writeJsonl([{ problem: "give 7", answer: "7" }]);
  const server = await startOpenAIServer({
    answer: () => [{ text: "Let me think about this for a long", finishReason: "length" }],
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
    const results = JSON.parse(
      await Deno.readTextFile(`${await onlyRunDir(resultDir)}/results.json`),
    );
    const response = results["0"].responses[0];
    assertEquals(response.verdict, "truncated");
    if (!/truncated/.test(response.reason)) throw new Error(response.reason);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});
