/**
 * Requests in flight, measured in one run against local fake servers:
 *
 * 1. Client throughput at 256 in flight against a zero-latency server in
 *    this process (target >= 3,000 requests/s, server included), for the
 *    backend streamed and unstreamed, as a ratio to plain `fetch` calls
 *    (the least a client can do) measured in the same run.
 * 2. `skyeval generate` wall time against a 200 ms server, against the
 *    ideal ceil(samples / concurrency) x latency.
 * 3. The level `--concurrency auto` reaches against a server whose latency
 *    rises once more than a set number of requests are in flight.
 * 4. Start-up and end-of-run costs of `skyeval generate` for 500 and
 *    100,000 samples: time to the first request, and from the last answer
 *    to the process exit (files written).
 *
 *   deno run -A bench/concurrency_bench.ts [--requests 20000] [--large 100000] [--only 1,3]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createBackend } from "../backends/mod.ts";
import type { Backend, GenerationRequest } from "../backends/backend.ts";
import { forEachPooled } from "../core/pool.ts";
import { startOpenAIServer } from "../testing/openai_server.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    large: { type: "string", default: "100000" },
    only: { type: "string", default: "1,2,3,4" },
  },
});
const SECTIONS = new Set(values.only.split(",").map((s) => s.trim()));
const REQUESTS = Number(values.requests);
const LARGE = Number(values.large);
const ROOT = new URL("../", import.meta.url).pathname;

function request(i: number): GenerationRequest {
  return { id: String(i), messages: [{ role: "user", content: `q ${i}` }], n: 1, sampling: {} };
}

async function drive(backend: Backend, count: number, inFlight: number): Promise<number> {
  const started = performance.now();
  await forEachPooled(
    Array.from({ length: count }, (_, i) => i),
    inFlight,
    async (i) => void await backend.generate(request(i)),
  );
  return count / ((performance.now() - started) / 1000);
}

async function plainFetch(url: string, count: number, inFlight: number): Promise<number> {
  const started = performance.now();
  await forEachPooled(Array.from({ length: count }, (_, i) => i), inFlight, async (i) => {
    const response = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: `q ${i}` }] }),
    });
    await response.json();
  });
  return count / ((performance.now() - started) / 1000);
}

async function clientThroughput(): Promise<void> {
  const server = await startOpenAIServer({ answer: () => "The answer is 42." });
  try {
    await plainFetch(server.url, 1000, 256); // warm-up
    const baseline = await plainFetch(server.url, REQUESTS, 256);
    console.log(`1. ${REQUESTS} requests at 256 in flight, zero-latency server in-process`);
    console.log(`   plain fetch (baseline)      ${baseline.toFixed(0)} requests/s`);
    for (const stream of [false, true]) {
      const backend = await createBackend("vllm", "m", { base_url: server.url, stream }, {
        concurrency: 256,
      });
      await drive(backend, 1000, 256);
      const rate = await drive(backend, REQUESTS, 256);
      await backend.close();
      console.log(
        `   backend stream=${stream}${stream ? " " : ""}       ${rate.toFixed(0)} requests/s (${
          (rate / baseline).toFixed(2)
        }x baseline; target >= 3000)`,
      );
    }
  } finally {
    await server.close();
  }
}

async function writeTask(dir: string, problems: number): Promise<string> {
  const file = await Deno.open(`${dir}/problems.jsonl`, { write: true, create: true });
  const encoder = new TextEncoder();
  const rows: string[] = [];
  for (let i = 0; i < problems; i++) {
    rows.push(JSON.stringify({ problem: `What is ${i} + 1?`, answer: String(i + 1) }));
  }
  await file.write(encoder.encode(rows.join("\n") + "\n"));
  file.close();
  await Deno.writeTextFile(
    `${dir}/bench.yaml`,
    'handler: math\ndataset_path: problems.jsonl\nquestion_key: problem\nanswer_key: answer\ntemplating_parameters:\n  template: "{problem}"\n',
  );
  return `${dir}/bench.yaml`;
}

interface CliTiming {
  toFirstRequest: number;
  generating: number;
  afterLastAnswer: number;
  requests: number;
}

/** Runs `skyeval generate` against a server with `latencyMs`; times its phases in seconds. */
async function timeCli(
  samples: number,
  concurrency: number,
  latencyMs: number,
): Promise<CliTiming> {
  // The server calls `answer` once the latency has passed, as it answers.
  let first = 0;
  let last = 0;
  const server = await startOpenAIServer({
    answer: () => {
      last = performance.now();
      first ||= last - latencyMs;
      return "The answer is \\boxed{1}.";
    },
    latencyMs,
  });
  const dir = await Deno.makeTempDir();
  try {
    const task = await writeTask(dir, samples);
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        `${ROOT}cli.ts`,
        "generate",
        "--task",
        task,
        "--model",
        "m",
        "--backend",
        "vllm",
        "--backend-args",
        `base_url=${server.url}`,
        "--concurrency",
        String(concurrency),
        "--result-dir",
        dir,
      ],
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const output = await child.output();
    const ended = performance.now();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    return {
      toFirstRequest: (first - started) / 1000,
      generating: (last - first) / 1000,
      afterLastAnswer: (ended - last) / 1000,
      requests: server.requests.length,
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function wallTimeAt200ms(): Promise<void> {
  const samples = 500;
  console.log(`2. skyeval generate, ${samples} samples, 200 ms server`);
  for (const concurrency of [16, 64, 256]) {
    const timing = await timeCli(samples, concurrency, 200);
    const ideal = Math.ceil(samples / concurrency) * 0.2;
    console.log(
      `   --concurrency ${String(concurrency).padEnd(3)}  generating ${
        timing.generating.toFixed(2)
      } s, ideal ${ideal.toFixed(2)} s (${
        ((timing.generating / ideal - 1) * 100).toFixed(1)
      }% over); start-up ${timing.toFirstRequest.toFixed(2)} s`,
    );
  }
}

async function autoLevel(): Promise<void> {
  const capacity = 24;
  const baseMs = 100;
  const server = await startOpenAIServer({
    answer: () => "The answer is 42.",
    latencyMs: () => baseMs * Math.max(1, server.stats.inFlight / capacity),
  });
  try {
    const backend = await createBackend("vllm", "m", { base_url: server.url }, {
      concurrency: "auto",
    });
    const rate = await drive(backend, 3000, backend.maxConcurrency);
    const report = backend.concurrency!();
    await backend.close();
    console.log(
      `3. --concurrency auto vs a server of ${capacity} slots (${baseMs} ms, slower beyond): level ${report.auto?.level} (settled: ${report.auto?.settled}), peak ${report.peak}, mean ${report.mean}, ${
        rate.toFixed(0)
      } requests/s`,
    );
  } finally {
    await server.close();
  }
}

async function startAndEnd(): Promise<void> {
  console.log(
    "4. skyeval generate start-up and end-of-run costs (zero-latency server, 256 in flight)",
  );
  for (const samples of [500, LARGE]) {
    const timing = await timeCli(samples, 256, 0);
    console.log(
      `   ${String(samples).padStart(6)} samples: first request after ${
        timing.toFirstRequest.toFixed(2)
      } s, files written ${timing.afterLastAnswer.toFixed(2)} s after the last answer, ${
        (samples / timing.generating).toFixed(0)
      } samples/s while generating`,
    );
  }
}

if (SECTIONS.has("1")) await clientThroughput();
if (SECTIONS.has("2")) await wallTimeAt200ms();
if (SECTIONS.has("3")) await autoLevel();
if (SECTIONS.has("4")) await startAndEnd();
