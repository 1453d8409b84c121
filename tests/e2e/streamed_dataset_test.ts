/**
 * A local JSON Lines dataset is streamed row by row (it may be larger than
 * memory); the run files must be what the in-memory path writes for the
 * same rows, and a streamed run resumes like any other.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, runCli, taskFlags } from "./cli_helpers.ts";

const ROWS = Array.from(
  { length: 40 },
  (_, i) => ({ problem: `What is ${i}+${i}?`, answer: `${2 * i}` }),
);

function startDoublingServer() {
  // Right for even i, wrong for odd i.
  return startOpenAIServer({
    answer(req) {
      const i = Number(req.messages.at(-1)!.content.match(/What is (\d+)\+/)![1]);
      return `\\boxed{${i % 2 ? i : 2 * i}}`;
    },
  });
}

async function evaluate(url: string, dataset: string, resultDir: string, extra: string[] = []) {
  const out = await runCli([
    "evaluate",
    ...taskFlags("math500", "Qwen/Qwen2.5-7B-Instruct", url),
    "--dataset-path",
    dataset,
    "--start",
    "3",
    "--end",
    "33",
    "--scorer",
    "ts",
    ...extra,
  ].concat(extra.includes("--resume-from") ? [] : ["--result-dir", resultDir]));
  assertEquals(out.code, 0, out.stderr);
  return out;
}

Deno.test("a streamed JSONL dataset gives the run files the in-memory path gives", async () => {
  const server = await startDoublingServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/rows.jsonl`, ROWS.map((r) => JSON.stringify(r)).join("\n"));
    await Deno.writeTextFile(`${dir}/rows.json`, JSON.stringify(ROWS));
    await evaluate(server.url, `${dir}/rows.jsonl`, `${dir}/streamed`);
    await evaluate(server.url, `${dir}/rows.json`, `${dir}/loaded`);
    const streamed = await onlyRunDir(`${dir}/streamed`);
    const loaded = await onlyRunDir(`${dir}/loaded`);
    assertEquals(
      await Deno.readTextFile(`${streamed}/results.json`),
      await Deno.readTextFile(`${loaded}/results.json`),
    );
    const [a, b] = await Promise.all(
      [streamed, loaded].map(async (d) => JSON.parse(await Deno.readTextFile(`${d}/summary.json`))),
    );
    assertEquals([a.num_samples, a.accuracy, a.verdicts], [30, 0.5, {
      correct: 15,
      incorrect: 15,
    }]);
    assertEquals([a.accuracy, a.verdicts, a.ci95], [b.accuracy, b.verdicts, b.ci95]);
    assertEquals(a.fingerprint.prompt_sha256, b.fingerprint.prompt_sha256);
    assertEquals(a.fingerprint.dataset.rows, 40);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a streamed run that lost the end of its log resumes only the missing samples", async () => {
  const server = await startDoublingServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/rows.jsonl`, ROWS.map((r) => JSON.stringify(r)).join("\n"));
    await evaluate(server.url, `${dir}/rows.jsonl`, `${dir}/out`);
    const runDir = await onlyRunDir(`${dir}/out`);
    const full = await Deno.readTextFile(`${runDir}/results.json`);
    const lines = (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n");
    // As a kill would leave it: 18 whole lines and a torn one.
    await Deno.writeTextFile(`${runDir}/samples.jsonl`, lines.slice(0, 18).join("\n") + '\n{"id":');
    const before = server.requests.length;
    await evaluate(server.url, `${dir}/rows.jsonl`, "", ["--resume-from", runDir]);
    assertEquals(server.requests.length - before, 12);
    assertEquals(await Deno.readTextFile(`${runDir}/results.json`), full);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
