/**
 * Throughput of the Pyodide sandbox on real test cases, next to the
 * reference's way measured in the same run: one native `python3` subprocess
 * per test case, two at a time.
 *
 * Workload: the APPS "accordion" fixture (3 responses x all tests) and the
 * known-correct solutions of the APPS stdin problems in `--data`
 * (`../shared/data/code/` beside the project), repeated `--repeat` times.
 * Both sides run the same programs on the same inputs and are judged by the
 * same comparison.
 *
 * Only tests whose input plus expected output is at most `--max-bytes` (1000)
 * are kept: small cases, where per-case overhead dominates. With `--cpu`, the
 * workload is instead every test of the real APPS reference solutions, large
 * inputs included (CPU-bound). The baseline runs on an even sample of
 * `--baseline-cases` of the tests (it is slow).
 *
 *   deno run -A bench/sandbox_bench.ts [--repeat 2] [--cpu] [--data DIR]
 *     [--python /usr/bin/python3] [--max-bytes 1000] [--baseline-cases 600]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createPyodideSandbox } from "../sandbox/pyodide_pool.ts";
import { runBatch } from "../sandbox/sandbox.ts";
import { appsStdinMatches } from "../scoring/code/compare.ts";
import { APPS_HEADER, stdinProgram, withHeader } from "../scoring/code/programs.ts";

interface Case {
  program: string;
  inputs: string[];
  outputs: string[];
}

function readJsonl(data: URL, name: string): Record<string, unknown>[] {
  return Deno.readTextFileSync(new URL(name, data)).trim().split("\n").map((l) => JSON.parse(l));
}

function extract(response: string): string {
  const blocks = [...response.matchAll(/```[a-zA-Z0-9]*\n([\s\S]*?)```/g)];
  return blocks.at(-1)?.[1] ?? response;
}

/** Keep the tests whose input and expected output are small (the common case). */
function small(c: Case, maxBytes: number): Case {
  const keep = c.inputs.map((input, i) => input.length + String(c.outputs[i]).length <= maxBytes);
  return {
    program: c.program,
    inputs: c.inputs.filter((_, i) => keep[i]),
    outputs: c.outputs.filter((_, i) => keep[i]),
  };
}

function workload(data: URL, repeat: number, maxBytes: number, cpu: boolean): Case[] {
  const cases: Case[] = [];
  for (const f of cpu ? [] : readJsonl(data, "code_scorer_fixtures.jsonl")) {
    if (f.benchmark !== "apps") continue;
    const io = f.input_output as { inputs: string[]; outputs: string[] };
    cases.push({ program: extract(String(f.response)), inputs: io.inputs, outputs: io.outputs });
  }
  for (const p of readJsonl(data, "apps_coderl_samples.jsonl")) {
    const io = p.input_output as { inputs: string[]; outputs: string[]; fn_name?: string };
    if (io.fn_name) continue;
    for (const code of p.solutions as string[]) {
      cases.push({ program: code, inputs: io.inputs, outputs: io.outputs });
    }
  }
  const all: Case[] = [];
  for (let r = 0; r < repeat; r++) all.push(...cases);
  return all.map((c) => small({ ...c, program: withHeader(APPS_HEADER, c.program) }, maxBytes))
    .filter((c) => c.inputs.length > 0);
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Job {
  c: Case;
  input: string;
  i: number;
}

/** Every `step`-th test case, so the slow baseline runs on an even sample of the workload. */
function sample(cases: Case[], count: number): Job[] {
  const jobs = cases.flatMap((c) => c.inputs.map((input, i) => ({ c, input, i })));
  const step = Math.max(1, Math.floor(jobs.length / count));
  return jobs.filter((_, k) => k % step === 0).slice(0, count);
}

async function native(
  python: string,
  jobs: Job[],
  bare: boolean,
): Promise<{ seconds: number; passed: number }> {
  let passed = 0;
  const started = performance.now();
  await pool(jobs, 2, async ({ c, input, i }) => {
    const child = new Deno.Command(python, {
      args: ["-c", bare ? c.program.slice(APPS_HEADER.length) : c.program],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 4000);
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input)).catch(() => {});
    await writer.close().catch(() => {});
    const out = await child.output();
    clearTimeout(timer);
    if (out.success && appsStdinMatches(new TextDecoder().decode(out.stdout), c.outputs[i])) {
      passed++;
    }
  });
  return { seconds: (performance.now() - started) / 1000, passed };
}

async function sandboxed(
  cases: Case[],
): Promise<{ seconds: number; passed: number; startup: number }> {
  const t0 = performance.now();
  await using sandbox = await createPyodideSandbox({ workers: 2 });
  const startup = (performance.now() - t0) / 1000;
  let passed = 0;
  const started = performance.now();
  await pool(cases, 4, async (c) => {
    await runBatch(sandbox, {
      code: stdinProgram(c.program),
      inputs: c.inputs,
      timeLimitMs: 4000 * 3,
    }, (i, r) => {
      if ((r.status === "ok" || (r.status === "exit" && r.exitCode === 0))) {
        if (appsStdinMatches(r.stdout, c.outputs[i])) passed++;
      }
    });
  });
  return { seconds: (performance.now() - started) / 1000, passed, startup };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      repeat: { type: "string", default: "2" },
      cpu: { type: "boolean", default: false },
      data: { type: "string" },
      python: { type: "string", default: "/usr/bin/python3" },
      "baseline-cases": { type: "string", default: "600" },
      "max-bytes": { type: "string", default: "1000" },
    },
  });
  const data = values.data
    ? new URL(`file://${Deno.realPathSync(values.data)}/`)
    : new URL("../../shared/data/code/", import.meta.url);
  const maxBytes = values.cpu ? Infinity : Number(values["max-bytes"]);
  const cases = workload(data, Number(values.repeat), maxBytes, values.cpu);
  const tests = cases.reduce((n, c) => n + c.inputs.length, 0);
  console.log(
    `workload: ${cases.length} programs, ${tests} test cases${
      values.cpu ? " (every test of the APPS reference solutions)" : ""
    }`,
  );
  const ours = await sandboxed(cases);
  console.log(
    `pyodide sandbox (2 processes, a sealed interpreter put back after each program): ${
      (tests / ours.seconds).toFixed(0)
    } tests/s (${ours.seconds.toFixed(1)} s, ${ours.passed} passed; pool start ${
      ours.startup.toFixed(1)
    } s not counted)`,
  );
  const jobs = sample(cases, Number(values["baseline-cases"]));
  const rates: number[] = [];
  for (const bare of [false, true]) {
    const base = await native(values.python, jobs, bare);
    const rate = jobs.length / base.seconds;
    rates.push(rate);
    console.log(
      `baseline ${values.python} -c per test, 2 at a time${
        bare ? " (code only, no APPS import header)" : " (APPS header + code, as the reference)"
      }: ${rate.toFixed(0)} tests/s on ${jobs.length} sampled cases (${
        base.seconds.toFixed(1)
      } s, ${base.passed} passed)`,
    );
  }
  const ourRate = tests / ours.seconds;
  console.log(
    `ratio: ${(ourRate / rates[0]).toFixed(1)}x the reference baseline, ${
      (ourRate / rates[1]).toFixed(1)
    }x the bare baseline`,
  );
}
