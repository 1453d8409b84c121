/**
 * A run's memory at scale: `evaluate` of N synthetic samples (~1.5 kB each
 * in samples.jsonl) against a local zero-latency OpenAI-compatible server,
 * then `score` of that run, each a CLI subprocess under `/usr/bin/time -v`
 * for its peak RSS. The baseline, measured in the same run against the
 * same server, is a bare client posting the same requests at the same
 * concurrency: the ratio is the share of the server-bound rate that the
 * whole pipeline (prepare, generate, score, append, results.json) keeps.
 *
 *   deno run -A bench/scale_bench.ts [--samples 100000] [--concurrency 64] [--keep DIR]
 *
 * Targets (issue 11): 1,000,000 samples under 500 MB peak RSS, at least
 * ~2,400 samples/s; `score` under the same memory.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startOpenAIServer } from "../testing/openai_server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    samples: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "64" },
    keep: { type: "string" },
  },
});
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);
const ROOT = new URL("../", import.meta.url).pathname;
const MODEL = "Qwen/Qwen2.5-7B-Instruct";

/** About 800 characters of reasoning ending in a boxed answer. */
function answerFor(prompt: string): string {
  const i = Number(prompt.match(/What is (\d+) \+/)?.[1] ?? 0);
  const steps = Array.from({ length: 14 }, (_, k) => `Step ${k + 1}: we add ${i} and ${i} again.`);
  return `${steps.join(" ")}\n\nSo the answer is \\boxed{${i % 3 ? 2 * i : i}}.`;
}

async function writeDataset(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const filler = "Give the result as an integer, and show the working in a few short steps.";
  let batch: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    batch.push(JSON.stringify({ problem: `What is ${i} + ${i}? ${filler}`, answer: `${2 * i}` }));
    if (batch.length === 10_000 || i === SAMPLES - 1) {
      const bytes = encoder.encode(batch.join("\n") + "\n");
      for (let w = 0; w < bytes.length;) w += await file.write(bytes.subarray(w));
      batch = [];
    }
  }
  file.close();
}

interface Measured {
  seconds: number;
  peakRssMb: number;
  stderr: string;
}

/** Runs the CLI under `/usr/bin/time -v`; wall time and peak RSS of the deno process. */
async function timedCli(args: string[]): Promise<Measured> {
  const started = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-v", Deno.execPath(), "run", "-A", "--quiet", `${ROOT}cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`skyeval ${args[0]} failed:\n${stderr.slice(-2000)}`);
  const rss = Number(stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1]);
  return { seconds, peakRssMb: rss / 1024, stderr };
}

/** The bare client: the same requests at the same concurrency, responses dropped. */
async function bareClient(url: string, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer x" },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: "user", content: `What is ${i} + ${i}?` }],
          max_tokens: 32768,
        }),
      });
      await response.json();
    }
  }));
  return count / ((performance.now() - started) / 1000);
}

const dir = values.keep ?? await Deno.makeTempDir({ prefix: "skyeval_scale_" });
await Deno.mkdir(dir, { recursive: true });
const server = await startOpenAIServer({
  answer: (req) => answerFor(req.messages.at(-1)?.content ?? ""),
  recordRequests: false,
});
try {
  await writeDataset(`${dir}/rows.jsonl`);
  const baseline = await bareClient(server.url, Math.min(SAMPLES, 20_000));
  const evaluated = await timedCli([
    "evaluate",
    "--task",
    "math500",
    "--model",
    MODEL,
    "--backend",
    "openai",
    "--backend-args",
    `base_url=${server.url},api_key=x`,
    "--dataset-path",
    `${dir}/rows.jsonl`,
    "--concurrency",
    String(CONCURRENCY),
    "--result-dir",
    `${dir}/out`,
    "--overwrite",
  ]);
  let runDir = "";
  for await (const entry of Deno.readDir(`${dir}/out`)) runDir = `${dir}/out/${entry.name}`;
  const scored = await timedCli(["score", "--run-dir", runDir]);
  const size = async (name: string) => (await Deno.stat(`${runDir}/${name}`)).size;
  const logBytes = await size("samples.jsonl");
  const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
  if (summary.num_samples !== SAMPLES) throw new Error(`summary counts ${summary.num_samples}`);
  const rate = SAMPLES / evaluated.seconds;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log(`samples:               ${SAMPLES} (accuracy ${summary.accuracy})`);
  console.log(
    `files:                 samples.jsonl ${mb(logBytes)} (${
      (logBytes / SAMPLES / 2).toFixed(0)
    } B per line after score re-appends), results.json ${mb(await size("results.json"))}`,
  );
  console.log(`bare client:           ${baseline.toFixed(0)} requests/s (baseline)`);
  console.log(
    `evaluate:              ${evaluated.seconds.toFixed(1)} s, ${
      rate.toFixed(0)
    } samples/s (ratio ${(rate / baseline).toFixed(2)}), peak RSS ${
      evaluated.peakRssMb.toFixed(0)
    } MB`,
  );
  console.log(
    `score:                 ${scored.seconds.toFixed(1)} s, ${
      (SAMPLES / scored.seconds).toFixed(0)
    } samples/s, peak RSS ${scored.peakRssMb.toFixed(0)} MB`,
  );
} finally {
  await server.close();
  if (!values.keep) await Deno.remove(dir, { recursive: true });
}
