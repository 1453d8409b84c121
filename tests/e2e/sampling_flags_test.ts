/**
 * The sampling claims of `evaluate --help`: temperature 0 forces n=1 (with a warning), and
 * `--as-test` runs 10 rows with max_tokens 2048.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, readJsonl, runCli, taskFlags } from "./cli_helpers.ts";

async function withRun(
  rows: number,
  flags: string[],
  check: (
    run: { code: number; stderr: string },
    runDir: string,
    requests: Record<string, unknown>[],
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const server = await startOpenAIServer({ answer: () => "So $\\boxed{1}$." });
  try {
    const dataset = `${dir}/data.jsonl`;
    const data = Array.from({ length: rows }, (_, i) => ({ problem: `${i}+1?`, answer: "1" }));
    await Deno.writeTextFile(dataset, data.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const run = await runCli([
      "evaluate",
      ...taskFlags("math500", "m", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      `${dir}/results`,
      ...flags,
    ]);
    assertEquals(run.code, 0, run.stderr);
    await check(run, await onlyRunDir(`${dir}/results`), server.requests);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("temperature 0 forces n=1, with a warning", async () => {
  await withRun(3, ["--n", "4"], async (run, runDir, requests) => {
    if (!/warning: .*n=1/.test(run.stderr)) throw new Error(`no warning in: ${run.stderr}`);
    const samples = await readJsonl<{ responses: unknown[] }>(`${runDir}/samples.jsonl`);
    assertEquals(samples.map((s) => s.responses.length), [1, 1, 1]);
    assertEquals(requests.map((r) => r.n ?? 1), [1, 1, 1]);
    const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals([summary.n, summary.num_responses, summary.pass_at_k], [1, 3, null]);
  });
});

Deno.test("a positive temperature keeps n", async () => {
  await withRun(2, ["--n", "4", "--sampling-params", "temperature=0.7"], async (_, runDir) => {
    const samples = await readJsonl<{ responses: unknown[] }>(`${runDir}/samples.jsonl`);
    assertEquals(samples.map((s) => s.responses.length), [4, 4]);
  });
});

Deno.test("--as-test runs 10 rows with max_tokens 2048", async () => {
  await withRun(25, ["--as-test"], async (_, runDir, requests) => {
    assertEquals(requests.length, 10);
    for (const r of requests) assertEquals(r.max_tokens ?? r.max_completion_tokens, 2048);
    const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals(summary.num_samples, 10);
    assertEquals(summary.configuration.sampling_params.max_tokens, 2048);
  });
});
