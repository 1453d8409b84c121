/**
 * End-to-end throughput against a real server: `skyeval evaluate` (the CLI
 * as a subprocess, openai backend) against llama.cpp's `llama-server`
 * running the bundled stories260K model with 1, 4 and 16 parallel slots,
 * the client's concurrency matching the slots.
 *
 * For each slot count it prints samples/s, the client's CPU seconds (user +
 * system of the CLI process, from bash's `times`), the server's CPU seconds
 * (from /proc), and the client's share of the CPU both used. The baseline
 * is the 1-slot run of the same invocation: the closing lines give each
 * run's throughput as a ratio against it. The CPU the CLI spends starting
 * (`skyeval --version`, measured in the same run) is printed too and
 * subtracted in the `client share` column.
 *
 *   deno run -A bench/llama_bench.ts [--samples 192] [--max-tokens 48] [--slots 1,4,16]
 *
 * Needs the binary from `.ci/build_llama_server` (or `SKYEVAL_LLAMA_SERVER`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  LLAMA_SERVER,
  startLlamaServer,
  STORIES_MODEL_NAME,
} from "../tests/support/llama_server.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const TASK = `${ROOT}tests/testdata/llama/stories.yaml`;
const STORIES = `${ROOT}tests/testdata/llama/stories.jsonl`;

interface Measurement {
  slots: number;
  samples: number;
  seconds: number;
  clientCpu: number;
  serverCpu: number;
  completionTokens: number;
}

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "192" },
    "max-tokens": { type: "string", default: "48" },
    slots: { type: "string", default: "1,4,16" },
  },
});
const samples = Number(values.samples);
const maxTokens = Number(values["max-tokens"]);
const slotCounts = values.slots.split(",").map(Number);
if (LLAMA_SERVER.path === null) {
  console.error(`error: ${LLAMA_SERVER.reason}`);
  Deno.exit(2);
}

const work = await Deno.makeTempDir({ prefix: "llama_bench_" });
try {
  const dataset = `${work}/stories.jsonl`;
  await Deno.writeTextFile(dataset, repeatRows(await Deno.readTextFile(STORIES), samples));
  const startup = childCpuSeconds(await timed([`${ROOT}cli.ts`, "--version"]));
  console.log(`client startup (skyeval --version): ${startup.toFixed(2)} s CPU`);
  const results: Measurement[] = [];
  for (const slots of slotCounts) {
    results.push(await measure(slots, dataset, `${work}/run_${slots}`));
    const r = results.at(-1)!;
    console.log(
      `slots ${String(slots).padStart(2)}: ${(r.samples / r.seconds).toFixed(1)} samples/s, ` +
        `${(r.completionTokens / r.seconds).toFixed(0)} tokens/s, ` +
        `client CPU ${r.clientCpu.toFixed(2)} s, server CPU ${r.serverCpu.toFixed(2)} s, ` +
        `client share beyond startup ${
          (100 * (r.clientCpu - startup) / (r.clientCpu - startup + r.serverCpu)).toFixed(1)
        }% ` +
        `(${r.samples} samples in ${r.seconds.toFixed(2)} s)`,
    );
  }
  const base = results[0];
  for (const r of results) {
    const ratio = (r.samples / r.seconds) / (base.samples / base.seconds);
    console.log(`throughput at ${r.slots} slots / ${base.slots} slot: ${ratio.toFixed(2)}x`);
  }
} finally {
  await Deno.remove(work, { recursive: true });
}

async function measure(slots: number, dataset: string, resultDir: string): Promise<Measurement> {
  await using server = await startLlamaServer({ parallel: slots, contextPerSlot: 256 });
  const serverCpuBefore = processCpuSeconds(server.pid);
  const started = performance.now();
  const out = await timed([
    `${ROOT}cli.ts`,
    "evaluate",
    "--task",
    TASK,
    "--model",
    STORIES_MODEL_NAME,
    "--backend",
    "openai",
    "--backend-args",
    `base_url=${server.url},api_key=none,concurrency=${slots}`,
    "--sampling-params",
    `temperature=0.8,max_tokens=${maxTokens},seed=1`,
    "--dataset-path",
    dataset,
    "--result-dir",
    resultDir,
    "--overwrite",
  ]);
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = processCpuSeconds(server.pid) - serverCpuBefore;
  const summary = JSON.parse(
    await Deno.readTextFile(`${await onlyRunDir(resultDir)}/summary.json`),
  );
  return {
    slots,
    samples: summary.num_samples,
    seconds,
    clientCpu: childCpuSeconds(out),
    serverCpu,
    completionTokens: summary.total_completion_tokens,
  };
}

/** Runs `deno run -A ARGS` under bash; what bash's `times` printed after it. */
async function timed(args: string[]): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      '"$@" >/dev/null; status=$?; times; exit $status',
      "bench",
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      ...args,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) throw new Error(`${args.join(" ")} failed:\n${decoder.decode(out.stderr)}`);
  return decoder.decode(out.stdout);
}

/** The second line of bash's `times`: user and system time of its children. */
function childCpuSeconds(timesOutput: string): number {
  const line = timesOutput.trim().split("\n").at(-1) ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`Cannot read bash times output: "${line}"`);
  return parts.reduce((sum, [, minutes, secs]) => sum + 60 * Number(minutes) + Number(secs), 0);
}

/** utime + stime of a live process, from /proc (clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function repeatRows(jsonl: string, count: number): string {
  const rows = jsonl.trim().split("\n");
  return Array.from({ length: count }, (_, i) => rows[i % rows.length]).join("\n") + "\n";
}

async function onlyRunDir(resultDir: string): Promise<string> {
  for await (const entry of Deno.readDir(resultDir)) {
    if (entry.isDirectory) return `${resultDir}/${entry.name}`;
  }
  throw new Error(`No run folder in ${resultDir}`);
}
