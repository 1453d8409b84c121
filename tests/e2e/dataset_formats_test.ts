/**
 * `--dataset-path` in each streamed format: the same rows as JSON Lines,
 * CSV and Parquet make the same run (results.json, prompts' hash, row
 * count), and a bad file of each format is one clear error line.
 */
import { assertEquals } from "../support/assert.ts";
import { columnsOf, parquetBytes, toJsonl } from "../support/dataset_fixtures.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, runCli, taskFlags } from "./cli_helpers.ts";

const ROWS = Array.from({ length: 30 }, (_, i) => ({
  problem: `What is ${i} + 1, "exactly"?\nAnswer briefly, please.`,
  answer: i + 1,
}));

const FILES: Record<string, string | Uint8Array> = {
  jsonl: toJsonl(ROWS),
  csv: "problem,answer\r\n" +
    ROWS.map((r) => `"${r.problem.replaceAll('"', '""')}",${r.answer}`).join("\r\n") + "\r\n",
  parquet: parquetBytes(columnsOf(ROWS), { rowGroupSize: 7 }),
};

Deno.test("the same rows as JSONL, CSV or Parquet make the same run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skyeval-formats-" });
  const server = await startOpenAIServer({
    answer: (req) => {
      const i = Number(req.messages.at(-1)?.content.match(/What is (\d+)/)?.[1]);
      return `\\boxed{${i % 4 ? i + 1 : i}}`;
    },
  });
  try {
    const runs: Record<string, { results: unknown; summary: Record<string, unknown> }> = {};
    for (const [format, content] of Object.entries(FILES)) {
      const path = `${dir}/rows.${format}`;
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
      const resultDir = `${dir}/out-${format}`;
      const run = await runCli([
        "evaluate",
        ...taskFlags("math500", "m", server.url),
        "--dataset-path",
        path,
        "--result-dir",
        resultDir,
        "--start",
        "2",
      ]);
      assertEquals(run.code, 0, run.stderr);
      const runDir = await onlyRunDir(resultDir);
      runs[format] = {
        results: JSON.parse(await Deno.readTextFile(`${runDir}/results.json`)),
        summary: JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`)),
      };
    }
    const { jsonl, csv, parquet } = runs;
    assertEquals(Object.keys(jsonl.results as object).length, 28);
    assertEquals(jsonl.summary.accuracy, 0.75);
    for (const other of [csv, parquet]) {
      assertEquals(other.results, jsonl.results);
      const fingerprint = (s: Record<string, unknown>) =>
        s.fingerprint as { prompt_sha256: string; dataset: { rows: number } };
      assertEquals(
        fingerprint(other.summary).prompt_sha256,
        fingerprint(jsonl.summary).prompt_sha256,
      );
      assertEquals(fingerprint(other.summary).dataset.rows, 30);
      assertEquals(other.summary.accuracy, jsonl.summary.accuracy);
    }
    const broken: Record<string, string> = {
      csv: 'problem,answer\n"open,1\n',
      parquet: "PAR1 not really",
      jsonl: '{"problem": 1\n',
    };
    for (const [format, text] of Object.entries(broken)) {
      const path = `${dir}/broken.${format}`;
      await Deno.writeTextFile(path, text);
      const run = await runCli([
        "evaluate",
        ...taskFlags("math500", "m", server.url),
        "--dataset-path",
        path,
        "--result-dir",
        `${dir}/broken-${format}`,
      ]);
      assertEquals(run.code, 2, run.stderr);
      const lines = run.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
      assertEquals(lines.length, 1, run.stderr);
      if (!lines[0].includes(`Cannot read dataset "${path}"`)) throw new Error(lines[0]);
    }
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
