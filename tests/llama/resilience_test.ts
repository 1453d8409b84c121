/**
 * Against real llama-server processes: `evaluate` killed with SIGKILL
 * resumes without losing or regenerating samples, and a run spread over two
 * servers finishes when one of them is killed mid-run.
 */
import { assertEquals } from "../support/assert.ts";
import {
  IGNORE_WITHOUT_LLAMA_SERVER,
  type LlamaServer,
  startLlamaServer,
  STORIES_MODEL_NAME,
} from "../support/llama_server.ts";
import { onlyRunDir, readJsonl, ROOT, runCli } from "../e2e/cli_helpers.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

const TASK = `${ROOT}tests/testdata/llama/stories.yaml`;
const STORIES = `${ROOT}tests/testdata/llama/stories.jsonl`;
const ROWS = 120;
const MAX_TOKENS = 48;

/** The stories repeated to `ROWS` rows, in a temp file. */
async function dataset(dir: string): Promise<string> {
  const rows = (await Deno.readTextFile(STORIES)).trim().split("\n");
  const path = `${dir}/stories.jsonl`;
  await Deno.writeTextFile(
    path,
    Array.from({ length: ROWS }, (_, i) => rows[i % rows.length]).join("\n") + "\n",
  );
  return path;
}

function evaluateArgs(baseUrls: string[], data: string, resultDir: string): string[] {
  return [
    "evaluate",
    "--task",
    TASK,
    "--model",
    STORIES_MODEL_NAME,
    "--backend",
    "openai",
    "--backend-args",
    JSON.stringify({ base_urls: baseUrls, api_key: "none", concurrency: 4 }),
    "--sampling-params",
    `temperature=0,max_tokens=${MAX_TOKENS}`,
    "--dataset-path",
    data,
    "--result-dir",
    resultDir,
  ];
}

/** Starts the CLI and resolves once `samples.jsonl` has `atLeast` lines. */
async function startUntil(args: string[], resultDir: string, atLeast: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let runDir: string | null = null;
  let lines = 0;
  for (let i = 0; i < 2400 && lines < atLeast; i++) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      runDir ??= await onlyRunDir(resultDir);
      lines = (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n").length - 1;
    } catch { /* not there yet */ }
  }
  if (!runDir || lines < atLeast) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`evaluate wrote ${lines} samples in 60 s:\n${await stderr}`);
  }
  return { child, runDir, stderr };
}

async function tokensPredicted(server: LlamaServer): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${server.port}/metrics`).then((r) => r.text());
  const line = text.split("\n").find((l) => l.startsWith("llamacpp:tokens_predicted_total "));
  if (!line) throw new Error(`no tokens_predicted_total in /metrics:\n${text}`);
  return Number(line.split(" ")[1]);
}

function checkComplete(samples: SampleRecord[]): void {
  const ids = samples.map((s) => s.id);
  assertEquals(new Set(ids).size, ids.length, "a sample was written twice");
  assertEquals(ids.length, ROWS);
  for (const s of samples) {
    if (s.error || s.responses.length !== 1 || !s.responses[0].content) {
      throw new Error(`sample ${s.id} is incomplete: ${JSON.stringify(s).slice(0, 300)}`);
    }
  }
}

Deno.test({
  name: "evaluate against llama-server killed with SIGKILL resumes without losing or regenerating",
  ignore: IGNORE_WITHOUT_LLAMA_SERVER,
  async fn() {
    await using server = await startLlamaServer({ parallel: 4, args: ["--metrics"] });
    const work = await Deno.makeTempDir({ prefix: "llama_resume_" });
    try {
      const args = evaluateArgs([server.url], await dataset(work), `${work}/results`);
      const { child, runDir } = await startUntil(args, `${work}/results`, 6);
      child.kill("SIGKILL");
      await child.status;
      const before = (await readJsonl<SampleRecord>(`${runDir}/samples.jsonl`)).map((s) => s.id);
      if (before.length >= ROWS) throw new Error("the run finished before it was killed");

      const resumed = await runCli([...args, "--resume-from", runDir]);
      assertEquals(resumed.code, 0, `${resumed.stderr}\n${server.logTail()}`);
      const samples = await readJsonl<SampleRecord>(`${runDir}/samples.jsonl`);
      checkComplete(samples);
      assertEquals(samples.slice(0, before.length).map((s) => s.id), before, "samples rewritten");
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals([summary.status, summary.num_samples, summary.errored_samples], [
        "scored",
        ROWS,
        0,
      ]);
      // Every token the server generated is in a sample, except those of the requests in
      // flight when the client was killed (at most 4 x MAX_TOKENS): nothing was generated twice.
      const stored = samples.reduce((sum, s) => sum + s.responses[0].completion_tokens!, 0);
      const generated = await tokensPredicted(server);
      if (generated < stored || generated > stored + 4 * MAX_TOKENS) {
        throw new Error(`server generated ${generated} tokens, samples hold ${stored}`);
      }
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});

Deno.test({
  name: "a run spread over two llama-servers finishes when one is killed mid-run",
  ignore: IGNORE_WITHOUT_LLAMA_SERVER,
  async fn() {
    await using survivor = await startLlamaServer({ parallel: 2, args: ["--metrics"] });
    await using victim = await startLlamaServer({ parallel: 2, args: ["--metrics"] });
    const work = await Deno.makeTempDir({ prefix: "llama_spread_" });
    try {
      const args = evaluateArgs([survivor.url, victim.url], await dataset(work), `${work}/results`);
      const { child, runDir, stderr } = await startUntil(args, `${work}/results`, 10);
      const victimTokens = await tokensPredicted(victim);
      await victim.kill();
      const atKill = (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n").length - 1;
      if (atKill >= ROWS) throw new Error("the run finished before the server was killed");
      const status = await child.status;
      assertEquals(status.code, 0, await stderr);
      if (victimTokens === 0) throw new Error("the second server got no requests before the kill");
      const samples = await readJsonl<SampleRecord>(`${runDir}/samples.jsonl`);
      checkComplete(samples);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals([summary.status, summary.errored_samples], ["scored", 0]);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
