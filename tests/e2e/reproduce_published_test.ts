/**
 * End to end: the real CLI, over real HTTP, against a server replaying the
 * real Qwen2.5-14B-Instruct generations, reproduces the published
 * accuracies (Qwen2.5-Math harness: MATH-500 80.4, AIME24 20.0, AMC23 65.0)
 * within one problem.
 */
import { assertEquals } from "../support/assert.ts";
import {
  DATA,
  HAVE_DATA,
  onlyRunDir,
  readJsonl,
  runCli,
  startReplayServer,
  taskFlags,
} from "./cli_helpers.ts";

const CASES = [
  { task: "math500", bench: "math500.jsonl", gen: "math500", published: 402, total: 500 },
  { task: "aime24", bench: "aime24.jsonl", gen: "aime24", published: 6, total: 30 },
  { task: "amc23", bench: "amc23.jsonl", gen: "amc23", published: 26, total: 40 },
];

for (const c of CASES) {
  Deno.test({
    name:
      `evaluate ${c.task} on replayed Qwen2.5-14B-Instruct answers reproduces the published accuracy`,
    ignore: !HAVE_DATA,
    async fn() {
      const bench = await readJsonl<{ problem: string }>(`${DATA}benchmarks/${c.bench}`);
      const gen = await readJsonl<{ idx: number; code: string[] }>(
        `${DATA}generations/qwen25math_harness/Qwen2.5-14B-Instruct/${c.gen}.jsonl`,
      );
      const answers = new Map(gen.map((g) => [bench[g.idx].problem, g.code[0]]));
      const server = await startReplayServer(answers);
      const resultDir = await Deno.makeTempDir();
      try {
        const run = await runCli([
          "evaluate",
          ...taskFlags(c.task, "Qwen/Qwen2.5-14B-Instruct", server.url),
          "--dataset-path",
          `${DATA}benchmarks/${c.bench}`,
          "--result-dir",
          resultDir,
        ]);
        assertEquals(run.code, 0, run.stderr);
        const runDir = await onlyRunDir(resultDir);
        const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
        const correct = Math.round(summary.accuracy * summary.scored_responses);
        if (Math.abs(correct - c.published) > 1) {
          throw new Error(
            `${c.task}: ${correct}/${c.total} correct, published ${c.published}/${c.total}`,
          );
        }
        assertEquals(summary.num_samples, c.total);
        assertEquals(summary.status, "scored");
        const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
        assertEquals(Object.keys(results).length, c.total);
        assertEquals((await readJsonl(`${runDir}/samples.jsonl`)).length, c.total);
        assertEquals(server.requests.length, c.total);
      } finally {
        await server.close();
        await Deno.remove(resultDir, { recursive: true });
      }
    },
  });
}
