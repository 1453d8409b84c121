/**
 * Killing `evaluate` with SIGKILL mid-run and resuming loses no finished
 * sample and regenerates none.
 */
import { assertEquals } from "../support/assert.ts";
import {
  onlyRunDir,
  readJsonl,
  ROOT,
  runCli,
  startReplayServer,
  taskFlags,
} from "./cli_helpers.ts";
import { testdataJsonl } from "../support/testdata.ts";

Deno.test({
  name: "evaluate killed with SIGKILL resumes without losing or regenerating samples",
  async fn() {
    const bench = testdataJsonl<{ problem: string; answer: string }>(
      "benchmarks/math500.jsonl.gz",
      40,
    );
    const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
    await Deno.writeTextFile(dataset, bench.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const answers = new Map(bench.map((r) => [r.problem, `The answer is $\\boxed{${r.answer}}$.`]));
    const server = await startReplayServer(answers, { latencyMs: 60 });
    const resultDir = await Deno.makeTempDir();
    const args = [
      "evaluate",
      ...taskFlags("math500", "test/model", server.url),
      "--dataset-path",
      dataset,
      "--concurrency",
      "2",
    ];
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", `${ROOT}cli.ts`, ...args, "--result-dir", resultDir],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "null",
        stderr: "null",
      }).spawn();
      let runDir: string | null = null;
      await waitFor(async () => {
        runDir ??= await onlyRunDir(resultDir);
        return (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n").length > 8;
      }, child);
      child.kill("SIGKILL");
      await child.status;
      if (!runDir) throw new Error("the run folder never appeared");
      const before = (await readJsonl<{ id: string }>(`${runDir}/samples.jsonl`)).map((r) => r.id);
      if (before.length === 0 || before.length >= 40) {
        throw new Error(`killed with ${before.length} samples done`);
      }
      const requestsBefore = server.requests.length;

      const resumed = await runCli([...args, "--resume-from", runDir]);
      assertEquals(resumed.code, 0, resumed.stderr);
      const after = await readJsonl<{ id: string }>(`${runDir}/samples.jsonl`);
      const ids = after.map((r) => r.id);
      assertEquals(new Set(ids).size, ids.length, "a sample was written twice");
      assertEquals(ids.length, 40);
      assertEquals(ids.slice(0, before.length), before, "finished samples were rewritten");
      const regenerated = server.requests.slice(requestsBefore).map((r) =>
        r.messages.at(-1)!.content
      );
      for (const id of before) {
        const problem = bench[Number(id)].problem;
        if (regenerated.some((p) => p.endsWith(problem))) {
          throw new Error(`sample ${id} was generated again`);
        }
      }
      assertEquals(regenerated.length, 40 - before.length);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals(summary.num_samples, 40);
      assertEquals(summary.status, "scored");
    } finally {
      await server.close();
      await Deno.remove(resultDir, { recursive: true });
      await Deno.remove(dataset);
    }
  },
});

/** Waits until `done()` holds, the child has exited, or a deadline far beyond any load passes. */
async function waitFor(done: () => Promise<boolean>, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  while (!exited && Date.now() < deadline) {
    if (await done().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Ctrl-C and a scheduler's SIGTERM both save the run files and say how to resume.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test({
    name: `evaluate interrupted with ${signal} saves its results files and exits 130`,
    async fn() {
      const bench = testdataJsonl<{ problem: string; answer: string }>(
        "benchmarks/math500.jsonl.gz",
        30,
      );
      const dataset = await Deno.makeTempFile({ suffix: ".jsonl" });
      await Deno.writeTextFile(dataset, bench.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const answers = new Map(bench.map((r) => [r.problem, `So $\\boxed{${r.answer}}$.`]));
      const server = await startReplayServer(answers, { latencyMs: 80 });
      const resultDir = await Deno.makeTempDir();
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
        let runDir: string | null = null;
        await waitFor(async () => {
          runDir ??= await onlyRunDir(resultDir);
          return (await Deno.readTextFile(`${runDir}/samples.jsonl`)).split("\n").length > 4;
        }, child);
        child.kill(signal);
        const status = await child.status;
        const stderr = new TextDecoder().decode(
          (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
        );
        assertEquals(status.code, 130, stderr);
        if (!stderr.includes("--resume-from")) throw new Error(`no resume hint in: ${stderr}`);
        const saved = await readJsonl<{ id: string }>(`${runDir}/samples.jsonl`);
        if (saved.length >= 30) throw new Error("the run finished before the signal");
        const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
        assertEquals(Object.keys(results).sort(), saved.map((r) => r.id).sort());
        const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
        assertEquals(summary.status, "interrupted");
        assertEquals(summary.num_samples, saved.length);
      } finally {
        await server.close();
        await Deno.remove(resultDir, { recursive: true });
        await Deno.remove(dataset);
      }
    },
  });
}
