/**
 * What a run does when the server misbehaves: a refused connection ends it
 * at once with one line; 500, 429, a hang and a stream that breaks off are
 * retried (each cause told once, then summarised with its count), and every
 * sample is generated exactly once.
 */
import { assertEquals } from "../support/assert.ts";
import { type FakeFailure, startOpenAIServer } from "../../testing/openai_server.ts";
import { closedPort } from "../backends/backend_conformance.ts";
import { onlyRunDir, readJsonl, runCli, writeArithmeticTask } from "./cli_helpers.ts";

function generateFlags(task: string, dir: string, args: Record<string, unknown>): string[] {
  return [
    "generate",
    "--task",
    task,
    "--model",
    "m",
    "--backend",
    "vllm",
    "--backend-args",
    JSON.stringify(args),
    "--concurrency",
    "4",
    "--result-dir",
    dir,
  ];
}

Deno.test("a refused connection ends the run with one error line and no retries", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const task = await writeArithmeticTask(dir, 50);
    const run = await runCli(
      generateFlags(task, dir, { base_url: `http://127.0.0.1:${closedPort()}/v1` }),
    );
    assertEquals(run.code === 0, false, "the run failed");
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assertEquals(errors.length, 1, run.stderr);
    if (!/Cannot connect to .*no server has answered yet/.test(errors[0])) {
      throw new Error(errors[0]);
    }
    if (/retr/i.test(run.stderr)) throw new Error(`retried: ${run.stderr}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("500, 429, a hang and a broken stream are retried, summarised by cause, and no sample is lost or doubled", async () => {
  const dir = await Deno.makeTempDir();
  const faults: Record<number, FakeFailure> = {
    3: { status: 500, message: "Internal error" },
    5: { status: 429, message: "Slow down", retryAfterMs: "50" },
    7: { hangMs: 60_000 },
    9: { status: 500, message: "Internal error" },
    11: { midStreamError: "EngineDeadError: background loop died" },
  };
  const server = await startOpenAIServer({
    answer: () => "The answer is \\boxed{1}.",
    failures: (_req, number) => faults[number],
  });
  try {
    const task = await writeArithmeticTask(dir, 40);
    const run = await runCli(generateFlags(task, dir, {
      base_url: server.url,
      idle_timeout: 1,
      retry_base_delay: 0.01,
    }));
    assertEquals(run.code, 0, run.stderr);
    assertEquals(server.requests.length, 45, "40 samples and 5 retries");
    const samples = await readJsonl<{ id: string; responses: unknown[] }>(
      `${await onlyRunDir(dir)}/samples.jsonl`,
    );
    assertEquals(samples.length, 40);
    assertEquals(new Set(samples.map((s) => s.id)).size, 40, "none doubled");
    const lines = run.stderr.split("\n");
    const told = lines.filter((l) => l.startsWith("retrying: "));
    const summed = lines.filter((l) => l.startsWith("retried "));
    assertEquals(told.length, 4, run.stderr);
    assertEquals(summed.length, 4, run.stderr);
    const summedText = summed.join("\n");
    for (
      const pattern of [
        /retried 2 times: .*answered 500: Internal error/,
        /retried 1 time: .*answered 429: Slow down/,
        /retried 1 time: .*was silent for 1 s \(idle_timeout\)/,
        /retried 1 time: .*broke off with an error: EngineDeadError/,
      ]
    ) {
      if (!pattern.test(summedText)) throw new Error(`${pattern} not in:\n${summedText}`);
    }
    const summary = JSON.parse(
      await Deno.readTextFile(`${await onlyRunDir(dir)}/summary.json`),
    );
    assertEquals(
      summary.generation.retries.reduce((a: number, r: { count: number }) => a + r.count, 0),
      5,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
