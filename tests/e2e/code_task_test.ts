/**
 * End to end for a code task: `evaluate --task apps` on real APPS problems,
 * with answers replayed over HTTP and every program run in the Pyodide
 * sandbox. Known-correct solutions pass; a crash and a syntax error do not
 * (the reference counted both as passes).
 */
import { assertEquals } from "../support/assert.ts";
import { onlyRunDir, runCli, startReplayServer, taskFlags } from "./cli_helpers.ts";
import { testdataJsonl } from "../support/testdata.ts";

interface AppsRow {
  question: string;
  starter_code: string;
  input_output: unknown;
  solutions: string[];
  difficulty: string;
}

Deno.test({
  name: "evaluate apps runs responses in the sandbox and gives per-test verdicts",
  async fn() {
    const rows = testdataJsonl<AppsRow>("code/apps_coderl_samples.jsonl.gz");
    const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
    // As on the Hub: input_output and solutions are JSON strings.
    await Deno.writeTextFile(
      dataset,
      rows.map((r) =>
        JSON.stringify({
          ...r,
          input_output: JSON.stringify(r.input_output),
          solutions: JSON.stringify(r.solutions),
        })
      ).join("\n") + "\n",
    );
    const fence = (code: string) => `Here is my solution.\n\`\`\`python\n${code}\n\`\`\`\n`;
    const responses = [
      fence(rows[0].solutions[0]),
      fence("raise RuntimeError('boom')"),
      fence("def broken(:\n    pass"),
      fence(rows[3].solutions[0]),
      fence(rows[4].solutions[0]),
    ];
    const server = await startReplayServer(new Map(rows.map((r, i) => [r.question, responses[i]])));
    const resultDir = await Deno.makeTempDir();
    try {
      const run = await runCli([
        "evaluate",
        ...taskFlags("apps", "test/model", server.url),
        "--dataset-path",
        dataset,
        "--result-dir",
        resultDir,
      ]);
      assertEquals(run.code, 0, run.stderr);
      const runDir = await onlyRunDir(resultDir);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
      const verdicts = Object.values(results).map((r) =>
        (r as { responses: { verdict: string }[] }).responses[0].verdict
      );
      assertEquals(verdicts, ["correct", "runtime_error", "syntax_error", "correct", "correct"]);
      assertEquals(summary.accuracy, 0.6);
      assertEquals(typeof summary.scoring.code_sandbox, "string");
      assertEquals(summary.scoring.sandbox_speed_factor > 0, true);
    } finally {
      await server.close();
      await Deno.remove(resultDir, { recursive: true });
      await Deno.remove(dataset);
    }
  },
});
