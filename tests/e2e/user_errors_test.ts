/**
 * Every user error is one `error:` line and exit code 2, found before any
 * slow work (no dataset load, no request), with no note printed first.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, runCli, taskFlags } from "./cli_helpers.ts";

/** Exit 2, exactly one stderr line, and it is the `error:` line naming `includes`. */
function assertUserError(result: { code: number; stderr: string }, includes: string): void {
  assertEquals(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assertEquals(lines.length, 1, result.stderr);
  if (!lines[0].startsWith("error: ") || !lines[0].includes(includes)) {
    throw new Error(`expected one "error:" line with "${includes}", got: ${result.stderr}`);
  }
}

const UNREACHABLE = ["--backend-args", "base_url=http://127.0.0.1:9/v1,api_key=x"];
const evaluate = ["evaluate", "--task", "math500", "--model", "m", "--backend", "openai"];

Deno.test("a misspelt sampling key names the key it is closest to", async () => {
  assertUserError(
    await runCli([...evaluate, ...UNREACHABLE, "--sampling-params", "temprature=0.7"]),
    `Unknown sampling parameter "temprature"; did you mean "temperature"?`,
  );
  assertUserError(
    await runCli([...evaluate, ...UNREACHABLE, "--sampling-params", "max_token=100"]),
    `did you mean "max_tokens"?`,
  );
});

Deno.test("extra_body passes keys skyeval does not know to the server", async () => {
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(dataset, JSON.stringify({ problem: "1+1?", answer: "2" }) + "\n");
  const server = await startOpenAIServer({ answer: () => "\\boxed{2}" });
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--sampling-params",
      `temperature=0.5,extra_body={"my_server_knob": 3}`,
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(run.code, 0, run.stderr);
    const body = server.requests[0] as unknown as Record<string, unknown>;
    assertEquals([body.my_server_knob, body.temperature, "extra_body" in body], [3, 0.5, false]);
    const summary = JSON.parse(
      await Deno.readTextFile(`${await onlyRunDir(resultDir)}/summary.json`),
    );
    assertEquals(summary.configuration.sampling_params.my_server_knob, 3);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("flag errors come before notes and before the dataset is read", async () => {
  // Model "m" has no system prompt (a note), the dataset does not exist (a slow-path error):
  // only the flag error may show.
  const missing = ["--dataset-path", "/nonexistent/rows.jsonl"];
  assertUserError(await runCli([...evaluate, ...UNREACHABLE, ...missing, "--n", "x"]), "--n");
  assertUserError(
    await runCli([...evaluate, ...UNREACHABLE, ...missing, "--scorer", "fast"]),
    "--scorer must be auto, native or ts",
  );
});

Deno.test("an unwritable result dir is refused before the dataset is read", async () => {
  const dir = await Deno.makeTempDir();
  // root writes through permission bits: /proc/self is a directory no one can create files in.
  const unwritable = Deno.uid() === 0 ? "/proc/self" : dir;
  await Deno.chmod(dir, 0o555);
  try {
    assertUserError(
      await runCli([
        ...evaluate,
        ...UNREACHABLE,
        "--dataset-path",
        "/nonexistent/rows.jsonl",
        "--result-dir",
        `${unwritable}/results`,
      ]),
      "Cannot write the run folder",
    );
  } finally {
    await Deno.chmod(dir, 0o755);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score --run-dir on a file is one error line", async () => {
  const file = await Deno.makeTempFile();
  try {
    assertUserError(await runCli(["score", "--run-dir", file]), "is a file, not a run folder");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("grade: a missing input file and a non-JSON line are one error line each", async () => {
  assertUserError(
    await runCli(["grade", "--input", "/nonexistent/in.jsonl"]),
    `Cannot read input "/nonexistent/in.jsonl"`,
  );
  const input = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(input, "this is not json\n");
  try {
    assertUserError(await runCli(["grade", "--input", input]), "Line 1 is not JSON");
  } finally {
    await Deno.remove(input);
  }
});
