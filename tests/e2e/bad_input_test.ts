/**
 * Bad input ends with one clear line on stderr and exit code 2, and
 * overwrites nothing.
 */
import { assertEquals } from "../support/assert.ts";
import { runCli, taskFlags } from "./cli_helpers.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";

function assertOneLineError(result: { code: number; stderr: string }, includes: string) {
  assertEquals(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
  assertEquals(lines.length, 1, result.stderr);
  if (!lines[0].includes(includes)) throw new Error(`expected "${includes}" in: ${lines[0]}`);
}

const base = [
  "evaluate",
  "--model",
  "m",
  "--backend",
  "openai",
  "--backend-args",
  "base_url=http://127.0.0.1:9/v1,max_retries=0",
];

Deno.test("an unknown task is one clear error", async () => {
  assertOneLineError(await runCli([...base, "--task", "aime"]), 'Unknown task "aime"');
});

Deno.test("an unknown flag is one clear error", async () => {
  assertOneLineError(
    await runCli([...base, "--task", "aime24", "--temprature", "0.7"]),
    "--temprature",
  );
});

Deno.test("a malformed k=v is one clear error", async () => {
  assertOneLineError(
    await runCli([...base, "--task", "aime24", "--sampling-params", "temperature=0.7,top_p"]),
    "--sampling-params",
  );
});

Deno.test("a missing dataset file is one clear error", async () => {
  assertOneLineError(
    await runCli([...base, "--task", "aime24", "--dataset-path", "/nonexistent/x.jsonl"]),
    "x.jsonl",
  );
});

Deno.test("a task file that fails the schema is one clear error", async () => {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(file, "handler: math\ndataset_path: a/b\nquestion_key: 3\n");
  assertOneLineError(await runCli([...base, "--task", file]), "question_key");
});

Deno.test("score on a corrupt results file is one clear error and changes nothing", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/summary.json`,
    JSON.stringify({ configuration: { task: { name: "math500" } } }),
  );
  await Deno.writeTextFile(`${dir}/results.json`, "{ not json");
  const before = await Deno.readTextFile(`${dir}/summary.json`);
  assertOneLineError(await runCli(["score", "--run-dir", dir]), "results.json");
  assertEquals(await Deno.readTextFile(`${dir}/summary.json`), before);
  assertEquals(await Deno.readTextFile(`${dir}/results.json`), "{ not json");
});

Deno.test("score on a folder without summary.json is one clear error", async () => {
  const dir = await Deno.makeTempDir();
  assertOneLineError(await runCli(["score", "--run-dir", dir]), "summary.json");
  assertOneLineError(await runCli(["score", "--run-dir", `${dir}/missing`]), "does not exist");
});

Deno.test("an existing run folder is not overwritten without --overwrite", async () => {
  const resultDir = await Deno.makeTempDir();
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(dataset, JSON.stringify({ problem: "1+1?", answer: "2" }) + "\n");
  const server = await startOpenAIServer({ answer: () => "\\boxed{2}" });
  try {
    const args = [
      "evaluate",
      ...taskFlags("math500", "m", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ];
    assertEquals((await runCli(args)).code, 0);
    const [dir] = [...Deno.readDirSync(resultDir)].map((e) => e.name);
    const marker = `${resultDir}/${dir}/summary.json`;
    const before = await Deno.readTextFile(marker);
    assertOneLineError(await runCli(args), "already exists");
    assertEquals(await Deno.readTextFile(marker), before);
    // Resuming it with other flags would mix two runs' samples.
    assertOneLineError(
      await runCli([...args.slice(0, -2), "--seed", "7", "--resume-from", `${resultDir}/${dir}`]),
      "seed was 41, now 7",
    );
    assertEquals(await Deno.readTextFile(marker), before);
  } finally {
    await server.close();
  }
});

Deno.test("a backend that cannot be reached stops the run early and leaves no folder", async () => {
  const resultDir = await Deno.makeTempDir();
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  const rows = Array.from({ length: 40 }, (_, i) => ({ problem: `${i}+1?`, answer: `${i + 1}` }));
  await Deno.writeTextFile(dataset, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const run = await runCli([
    ...base,
    "--task",
    "math500",
    "--dataset-path",
    dataset,
    "--result-dir",
    resultDir,
  ]);
  assertOneLineError(run, "Cannot connect to");
  assertEquals([...Deno.readDirSync(resultDir)], []);
});

Deno.test("a parameter the server rejects stops the run with the server's message", async () => {
  const resultDir = await Deno.makeTempDir();
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(dataset, JSON.stringify({ problem: "1+1?", answer: "2" }) + "\n");
  const run = await runCli([
    "evaluate",
    "--model",
    "m",
    "--backend",
    "openai",
    "--backend-args",
    "base_url=http://127.0.0.1:9/v1",
    "--assistant-prefill",
    "<think>\\n",
    "--task",
    "math500",
    "--dataset-path",
    dataset,
    "--result-dir",
    resultDir,
  ]);
  assertOneLineError(run, "prefill");
  assertEquals([...Deno.readDirSync(resultDir)], []);
});

Deno.test("--end -1 means all rows, as SkyThought's default", async () => {
  const r = await runCli([...base, "--task", "aime24", "--end", "-1", "--temprature", "1"]);
  // Parsing got past --end -1 and stopped at the unknown flag.
  assertOneLineError(r, "--temprature");
});

Deno.test("--help and --version work for every command", async () => {
  for (const cmd of ["evaluate", "generate", "score", "grade", "list", "demo"]) {
    const r = await runCli([cmd, "--help"]);
    assertEquals(r.code, 0, r.stderr);
    if (!r.stdout.includes("Usage: skyeval")) throw new Error(`${cmd} --help printed no usage`);
  }
  const v = await runCli(["--version"]);
  assertEquals(v.code, 0);
  if (!/^skyeval \d+\.\d+\.\d+/.test(v.stdout)) throw new Error(v.stdout);
});

Deno.test("a sampling parameter of the wrong type is one clear error", async () => {
  assertOneLineError(
    await runCli([...base, "--task", "aime24", "--sampling-params", "temperature=abc"]),
    'Invalid sampling parameter "temperature"',
  );
  assertOneLineError(
    await runCli([...base, "--task", "aime24", "--sampling-params", "max_tokens=-5"]),
    "max_tokens",
  );
});
