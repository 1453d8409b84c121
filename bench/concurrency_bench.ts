/**
 * Requests in flight, measured in one run against local fake servers:
 *
 * 1. Client throughput at 256 in flight against a zero-latency server
 *    (target >= 3,000 requests/s on the 2-core machine, server included),
 *    for the backend streamed and unstreamed, as a ratio to plain `fetch`
 *    calls (the least a client can do) measured in the same run, with the
 *    CPU each request costs the client and the server. Twice: the server in
 *    this process (client and server share one thread) and in its own
 *    process (as a real server is).
 * 2. `skyeval generate` against a 200 ms server: time spent generating
 *    against the ideal ceil(samples / concurrency) x latency, start-up
 *    (process start to first request) and end of run (last answer to files
 *    written), for 500 samples at 16, 64 and 256 in flight and for
 *    `--large` samples at 256.
 * 3. The level `--concurrency auto` reaches against a server whose latency
 *    rises once more than a set number of requests are in flight.
 * 4. The same start-up and end-of-run costs against a zero-latency server,
 *    for 500 and `--large` samples, with the samples/s while generating.
 *
 *   deno run -A bench/concurrency_bench.ts [--requests 20000] [--large 100000] [--only 1,3]
 *
 * @module
 */

import process from "node:process";
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

/** Requests/s of `backend` over `count` requests, and the CPU of this process per request (us). */
async function drive(
  backend: Backend,
  count: number,
  inFlight: number,
): Promise<{ rate: number; cpuUs: number }> {
  return await measured(count, () =>
    forEachPooled(
      Array.from({ length: count }, (_, i) => i),
      inFlight,
      async (i) => void await backend.generate(request(i)),
    ));
}

function plainFetch(url: string, count: number, inFlight: number) {
  return measured(
    count,
    () =>
      forEachPooled(Array.from({ length: count }, (_, i) => i), inFlight, async (i) => {
        const response = await fetch(`${url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "m", messages: [{ role: "user", content: `q ${i}` }] }),
        });
        await response.json();
      }),
  );
}

async function measured(
  count: number,
  run: () => Promise<void>,
): Promise<{ rate: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return {
    rate: count / ((performance.now() - started) / 1000),
    cpuUs: (used.user + used.system) / count,
  };
}

/** CPU time a process has used so far, us (Linux `/proc`), or null elsewhere. */
function processCpuUs(pid: number): number | null {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** The fake server in this process, or in a child process whose CPU is read from `/proc`. */
async function zeroLatencyServer(where: "this process" | "own process") {
  if (where === "this process") {
    const server = await startOpenAIServer({
      answer: () => "The answer is 42.",
      recordRequests: false,
    });
    return { url: server.url, cpuUs: () => null, close: () => server.close() };
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}bench/fake_server_process.ts`],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const url = (await reader.read()).value!.trim();
  return {
    url,
    cpuUs: () => processCpuUs(child.pid),
    close: async () => {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}

async function clientThroughput(): Promise<void> {
  console.log(`1. ${REQUESTS} requests at 256 in flight, zero-latency server`);
  for (const where of ["this process", "own process"] as const) {
    const server = await zeroLatencyServer(where);
    const serverCpu = async <T>(run: () => Promise<T>) => {
      const before = server.cpuUs();
      const result = await run();
      const after = server.cpuUs();
      const perRequest = before === null || after === null ? null : (after - before) / REQUESTS;
      return { ...result, serverUs: perRequest };
    };
    const line = (
      label: string,
      m: { rate: number; cpuUs: number; serverUs: number | null },
      baseline?: number,
    ) =>
      console.log(
        `   ${label.padEnd(28)} ${m.rate.toFixed(0).padStart(5)} requests/s${
          baseline ? ` (${(m.rate / baseline).toFixed(2)}x baseline)` : " (baseline)        "
        }, CPU per request: ${where === "this process" ? "client+server" : "client"} ${
          m.cpuUs.toFixed(0)
        } us${m.serverUs === null ? "" : `, server ${m.serverUs.toFixed(0)} us`}`,
      );
    try {
      console.log(`   server in ${where}:`);
      await plainFetch(server.url, 1000, 256); // warm-up
      const baseline = await serverCpu(() => plainFetch(server.url, REQUESTS, 256));
      line("plain fetch", baseline);
      for (const stream of [false, true]) {
        const backend = await createBackend("vllm", "m", { base_url: server.url, stream }, {
          concurrency: 256,
        });
        await drive(backend, 1000, 256);
        const measuredRun = await serverCpu(() => drive(backend, REQUESTS, 256));
        await backend.close();
        line(`backend stream=${stream}`, measuredRun, baseline.rate);
      }
    } finally {
      await server.close();
    }
  }
  console.log("   target >= 3000 requests/s");
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
  let requests = 0;
  const server = await startOpenAIServer({
    answer: () => {
      last = performance.now();
      first ||= last - latencyMs;
      requests++;
      return "The answer is \\boxed{1}.";
    },
    latencyMs,
    recordRequests: false,
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
      requests,
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function wallTimeAt200ms(): Promise<void> {
  const latencyMs = 200;
  console.log(`2. skyeval generate against a ${latencyMs} ms server`);
  const runs = [[500, 16], [500, 64], [500, 256], [LARGE, 256]];
  for (const [samples, concurrency] of runs) {
    const timing = await timeCli(samples, concurrency, latencyMs);
    const ideal = Math.ceil(samples / concurrency) * latencyMs / 1000;
    console.log(
      `   ${String(samples).padStart(6)} samples, --concurrency ${
        String(concurrency).padEnd(3)
      }  generating ${timing.generating.toFixed(2)} s, ideal ${ideal.toFixed(2)} s (${
        ((timing.generating / ideal - 1) * 100).toFixed(1)
      }% over); start-up ${timing.toFirstRequest.toFixed(2)} s, files written ${
        timing.afterLastAnswer.toFixed(2)
      } s after the last answer`,
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
    const { rate } = await drive(backend, 3000, backend.maxConcurrency);
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
