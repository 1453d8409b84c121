/**
 * The library path, without the CLI: a task, rows in memory, a backend over
 * real HTTP, the TypeScript grader, a run folder.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import {
  createBackend,
  evaluateRun,
  loadModelCatalog,
  loadTask,
  prepareSamples,
  resolveModelConfig,
  type RunSpec,
  tsAnswerGrader,
} from "../../mod.ts";

Deno.test("evaluateRun() evaluates rows in memory against a server and writes the run folder", async () => {
  const server = await startOpenAIServer({
    answer: (req) => (req.messages.at(-1)!.content.includes("2+2") ? "\\boxed{4}" : "\\boxed{5}"),
  });
  const runDir = await Deno.makeTempDir();
  const task = await loadTask("math500");
  const model = resolveModelConfig("Qwen/Qwen2.5-7B-Instruct", await loadModelCatalog());
  const rows = [{ problem: "What is 2+2?", answer: "4" }, { problem: "What is 3+3?", answer: "6" }];
  const samples = await prepareSamples(task, rows, {
    model,
    start: 0,
    end: -1,
    seed: 41,
    loadAuxiliary: () => Promise.resolve([]),
  });
  const spec: RunSpec = {
    task,
    model,
    backend: { name: "openai", args: { base_url: server.url, api_key: "test" } },
    sampling: { temperature: 0, top_p: 1, max_tokens: 100, n: 1 },
    n: 1,
    start: 0,
    end: -1,
    seed: 41,
    asTest: false,
    datasetPath: null,
  };
  const backend = await createBackend("openai", model.model_id, spec.backend.args);
  try {
    const { summary, interrupted } = await evaluateRun({
      spec,
      samples,
      dataset: { origin: "memory", files: [], contentHash: "", rows: rows.length },
      backend,
      runDir,
      resume: false,
      scorers: { answer: tsAnswerGrader() },
    });
    assertEquals(interrupted, false);
    assertEquals([summary.accuracy, summary.verdicts], [0.5, { correct: 1, incorrect: 1 }]);
    assertEquals(server.requests[0].messages[0].role, "system");
    const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
    assertEquals(results["0"].responses[0].verdict, "correct");
  } finally {
    await backend.close();
    await server.close();
    await Deno.remove(runDir, { recursive: true });
  }
});
