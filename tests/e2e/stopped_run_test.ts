/**
 * A run that stops early is never mistaken for a finished one: its summary
 * says how it stopped and what is missing, and the command printed after an
 * interrupt resumes it as typed.
 */
import { assertEquals } from "../support/assert.ts";
import { type OpenAIServer, startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, readJsonl, ROOT, runCli, taskFlags } from "./cli_helpers.ts";

/** `n` rows "What is i plus i?" with answer 2i, written to a temp `.jsonl`. */
async function sumsDataset(n: number): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  const rows = Array.from({ length: n }, (_, i) => ({
    problem: `What is ${i} plus ${i}?`,
    answer: String(2 * i),
  }));
  await Deno.writeTextFile(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

/** A server that answers "What is i plus i?" correctly. */
function sumsServer(options: { latencyMs?: number; failOn?: number } = {}): Promise<OpenAIServer> {
  const numberIn = (text: string) => Number(/What is (\d+) plus/.exec(text)?.[1]);
  return startOpenAIServer({
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    failures: (req) =>
      numberIn(req.messages.at(-1)?.content ?? "") === options.failOn
        ? { status: 400, message: "this prompt is rejected" }
        : undefined,
    answer: (req) => `So the sum is $\\boxed{${2 * numberIn(req.messages.at(-1)!.content)}}$.`,
  });
}

/** Splits a command line printed by `shellQuote` back into words. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replaceAll(`'\\''`, "'") : m[2]
  );
}

async function summaryOf(runDir: string) {
  return JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
}

Deno.test("an interrupted run says so, counts what is missing, and its printed command resumes it", async () => {
  const dataset = await sumsDataset(20);
  const server = await sumsServer({ latencyMs: 150 });
  const resultDir = await Deno.makeTempDir({ prefix: "skyeval result dir " });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        `${ROOT}cli.ts`,
        "evaluate",
        ...taskFlags("math500", "test/model", server.url),
        "--dataset-path",
        dataset,
        "--concurrency",
        "1",
        "--result-dir",
        resultDir,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderrText = new Response(child.stderr).text();
    let runDir: string | null = null;
    for (let i = 0; i < 1200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        runDir ??= await onlyRunDir(resultDir);
        if ((await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n").length > 3) break;
      } catch { /* not there yet */ }
    }
    child.kill("SIGINT");
    const status = await child.status;
    const stderr = await stderrText;
    assertEquals(status.code, 130, stderr);
    if (!runDir) throw new Error(`no run folder: ${stderr}`);
    if (stderr.includes("error:")) throw new Error(`an error after Ctrl-C: ${stderr}`);

    const saved = await readJsonl(`${runDir}/samples.jsonl`);
    const stopped = await summaryOf(runDir);
    assertEquals(
      [stopped.status, stopped.accuracy, stopped.pass_at_k, stopped.expected_samples],
      ["interrupted", null, null, 20],
    );
    assertEquals(stopped.missing_samples, 20 - saved.length);

    const last = stderr.trimEnd().split("\n").at(-1)!.trim();
    const words = shellWords(last);
    assertEquals(words.slice(0, 2), ["skyeval", "evaluate"], stderr);
    assertEquals(words.slice(-2), ["--resume-from", runDir]);
    const resumed = await runCli(words.slice(1));
    assertEquals(resumed.code, 0, resumed.stderr);
    const finished = await summaryOf(runDir);
    assertEquals(
      [finished.status, finished.accuracy, finished.num_samples, finished.missing_samples],
      ["scored", 1, 20, 0],
    );
    // Nothing finished was generated twice (at most the request cut by Ctrl-C is repeated).
    if (server.requests.length > 21) throw new Error(`${server.requests.length} requests for 20`);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("a generate-only run has no accuracy until scored", async () => {
  const dataset = await sumsDataset(3);
  const server = await sumsServer();
  const resultDir = await Deno.makeTempDir();
  try {
    const generated = await runCli([
      "generate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(generated.code, 0, generated.stderr);
    const runDir = await onlyRunDir(resultDir);
    const before = await summaryOf(runDir);
    assertEquals(
      [before.status, before.accuracy, before.pending_responses, before.missing_samples],
      ["generated", null, 3, 0],
    );
    const scored = await runCli(["score", "--run-dir", runDir]);
    assertEquals(scored.code, 0, scored.stderr);
    const after = await summaryOf(runDir);
    assertEquals([after.status, after.accuracy, after.pending_responses], ["scored", 1, 0]);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("a run with a sample that failed to generate is partial and says how to retry", async () => {
  const dataset = await sumsDataset(6);
  const server = await sumsServer({ failOn: 4 });
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--concurrency",
      "1",
      "--result-dir",
      resultDir,
    ]);
    assertEquals(run.code, 1, run.stderr);
    const runDir = await onlyRunDir(resultDir);
    const summary = await summaryOf(runDir);
    assertEquals(
      [
        summary.status,
        summary.accuracy,
        summary.expected_samples,
        summary.covered_samples,
        summary.missing_samples,
        summary.errored_ids,
      ],
      ["partial", 1, 6, 5, 1, ["4"]],
    );
    if (!run.stdout.includes("partial: over 5 of 6 problems")) throw new Error(run.stdout);
    const retry = run.stdout.split("\n").find((l) => l.startsWith("to retry the failed samples: "));
    if (!retry?.endsWith(`--resume-from ${runDir}`)) throw new Error(run.stdout);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("a piped log of a slow run gets a progress line at least every 10 seconds", async () => {
  const dataset = await sumsDataset(1);
  const server = await sumsServer({ latencyMs: 12_500 });
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "generate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--result-dir",
      resultDir,
    ]);
    assertEquals(run.code, 0, run.stderr);
    // One line while the only request is out (0 done), one when it finishes.
    const lines = run.stderr.split("\n").filter((l) => /^\d+\/1 samples, \d+s/.test(l));
    if (!lines.some((l) => l.startsWith("0/1 samples, 1"))) throw new Error(run.stderr);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("Ctrl-C while the code sandbox starts stops with the resume command and no error", async () => {
  const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
  const rows = [1, 2, 3].map((i) => ({
    problem_id: i,
    question: `Read a number and print it plus ${i}.`,
    starter_code: "",
    input_output: JSON.stringify({ inputs: ["1\n"], outputs: [`${1 + i}\n`] }),
    solutions: "[]",
    difficulty: "introductory",
    url: "",
  }));
  await Deno.writeTextFile(dataset, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const server = await startOpenAIServer({
    // Problem 1 answers at once; the others stay out long enough that the run cannot finish.
    latencyMs: (req) => /plus 1\./.test(req.messages.at(-1)!.content) ? 0 : 20_000,
    answer: (req) =>
      "```python\nprint(int(input()) + " + /plus (\d+)/.exec(req.messages.at(-1)!.content)![1] +
      ")\n```",
  });
  const resultDir = await Deno.makeTempDir();
  try {
    // A terminal's Ctrl-C reaches the whole process group, sandbox children included.
    const child = new Deno.Command("setsid", {
      args: [
        Deno.execPath(),
        "run",
        "-A",
        "--quiet",
        `${ROOT}cli.ts`,
        "evaluate",
        ...taskFlags("apps", "test/model", server.url),
        "--dataset-path",
        dataset,
        "--result-dir",
        resultDir,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderrText = new Response(child.stderr).text();
    let runDir: string | null = null;
    for (let i = 0; i < 2400; i++) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        runDir ??= await onlyRunDir(resultDir);
        // Code samples are logged before they are scored: the sandbox is starting now.
        if ((await Deno.readTextFile(`${runDir}/samples.jsonl`)).includes("\n")) break;
      } catch { /* not there yet */ }
    }
    await new Deno.Command("kill", { args: ["-INT", "--", `-${child.pid}`] }).output();
    await child.status;
    const stderr = await stderrText;
    if (stderr.includes("error:")) throw new Error(`an error after Ctrl-C: ${stderr}`);
    if (!stderr.includes("interrupted:")) throw new Error(stderr);
    const last = stderr.trimEnd().split("\n").at(-1)!.trim();
    assertEquals(shellWords(last).slice(-2), ["--resume-from", runDir!]);
    const summary = await summaryOf(runDir!);
    assertEquals([summary.status, summary.accuracy], ["interrupted", null]);
  } finally {
    await server.close();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(dataset);
  }
});

Deno.test("Ctrl-C while the dataset loads exits 130 without an error line", async () => {
  // A dataset URL whose server never answers.
  const hang = Promise.withResolvers<void>();
  const stalled = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () => {
      await hang.promise;
      return new Response("");
    },
  );
  const task = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(
    task,
    `handler: math\ndataset_path: http://127.0.0.1:${stalled.addr.port}/rows.jsonl\n` +
      'question_key: problem\nanswer_key: answer\ntemplating_parameters:\n  template: "{prompt}"\n',
  );
  const resultDir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        `${ROOT}cli.ts`,
        "evaluate",
        ...taskFlags(task, "test/model", "http://127.0.0.1:9/v1"),
        "--result-dir",
        resultDir,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1", SKYEVAL_CACHE_DIR: `${resultDir}/.cache` },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let stderr = "";
    while (!stderr.includes("loading ")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the run ended before loading: ${stderr}`);
      stderr += value;
    }
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += value;
    }
    assertEquals((await child.status).code, 130, stderr);
    if (stderr.includes("error:") || !stderr.includes("interrupted: ")) throw new Error(stderr);
  } finally {
    hang.resolve();
    await stalled.shutdown();
    await Deno.remove(resultDir, { recursive: true });
    await Deno.remove(task);
  }
});
