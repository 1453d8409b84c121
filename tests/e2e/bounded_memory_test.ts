/**
 * 200,000 samples with the V8 heap capped at 256 MB (the in-memory path
 * needed about 2 GB for 100,000): `evaluate --resume-from` of a run whose
 * log already holds every generation (so it streams the dataset, reads each
 * record back, scores it and writes the run files, with no server needed),
 * then `score` of the same folder. results.json is then checked against
 * samples.jsonl entry by entry.
 */
import { assertEquals } from "../support/assert.ts";
import { ROOT } from "./cli_helpers.ts";

const SAMPLES = 200_000;
const HEAP_MB = 256;

function problem(i: number): string {
  return `What is ${i} + ${i}?`;
}

/** The dataset and a log of unscored generations, written in blocks; neighbours swapped. */
async function writeRun(dir: string): Promise<void> {
  const rows: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    rows.push(JSON.stringify({ problem: problem(i), answer: `${2 * i}` }));
    const j = i % 2 ? i - 1 : Math.min(i + 1, SAMPLES - 1);
    lines.push(JSON.stringify({
      id: String(j),
      row: { problem: problem(j), answer: `${2 * j}`, _index: String(j) },
      messages: [{ role: "user", content: problem(j) }],
      prompt_tokens: 7,
      responses: [{
        content: `\\boxed{${j % 3 ? 2 * j : j + 1}}`,
        finish_reason: "stop",
        completion_tokens: 1,
        correctness: null,
        reason: "",
      }],
      scored: false,
    }));
  }
  await Deno.writeTextFile(`${dir}/rows.jsonl`, rows.join("\n") + "\n");
  await Deno.mkdir(`${dir}/run`);
  await Deno.writeTextFile(`${dir}/run/samples.jsonl`, lines.join("\n") + "\n");
}

async function cappedCli(args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `--v8-flags=--max-old-space-size=${HEAP_MB}`, "cli.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr).slice(-2000));
}

/** Every sample's latest log line against its results.json entry. */
async function checkResults(runDir: string): Promise<void> {
  const log = new Map<string, Record<string, unknown>>();
  for (const line of (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n")) {
    if (line) log.set(JSON.parse(line).id, JSON.parse(line));
  }
  const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
  const ids = Object.keys(results);
  assertEquals(ids.length, SAMPLES);
  assertEquals([ids[0], ids[1], ids.at(-1)], ["0", "1", String(SAMPLES - 1)]);
  let correct = 0;
  for (const id of ids) {
    const entry = results[id];
    const record = log.get(id) as { responses: { content: string; correctness: boolean }[] };
    const i = Number(id);
    assertEquals(entry.problem, problem(i));
    assertEquals(entry.responses[0].content, record.responses[0].content);
    assertEquals(entry.responses[0].correctness, i % 3 !== 0);
    assertEquals(record.responses[0].correctness, i % 3 !== 0);
    if (entry.responses[0].correctness) correct++;
  }
  const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
  assertEquals([summary.num_samples, summary.scored_responses], [SAMPLES, SAMPLES]);
  assertEquals(summary.accuracy, Math.round((correct / SAMPLES) * 1e4) / 1e4);
}

Deno.test({
  name: `200,000 samples resume, score and write their run files in a ${HEAP_MB} MB heap`,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await writeRun(dir);
      await cappedCli([
        "evaluate",
        "--task",
        "math500",
        "--model",
        "m",
        "--backend",
        "openai",
        "--backend-args",
        "base_url=http://127.0.0.1:9/v1,api_key=x",
        "--dataset-path",
        `${dir}/rows.jsonl`,
        "--resume-from",
        `${dir}/run`,
        "--scorer",
        "ts",
      ]);
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/run/summary.json`));
      assertEquals([summary.status, summary.num_samples], ["scored", SAMPLES]);
      await cappedCli(["score", "--run-dir", `${dir}/run`, "--scorer", "ts"]);
      await checkResults(`${dir}/run`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
