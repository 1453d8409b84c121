/**
 * `skyeval compare` on run folders written by the real run-file writer, on
 * a SkyThought results.json, and on bad input.
 */
import { assertEquals } from "../support/assert.ts";
import { runCli } from "./cli_helpers.ts";
import { RUN_FILES } from "../../core/run_dir.ts";
import { writeRun } from "../support/small_run.ts";

Deno.test("compare prints the paired test and the flipped problems", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRun(`${dir}/a`, (i) => i < 20);
    await writeRun(`${dir}/b`, (i) => i < 10 || i >= 25);
    const text = await runCli(["compare", `${dir}/a`, `${dir}/b`]);
    assertEquals(text.code, 0, text.stderr);
    // B gains 25-39 (15) and loses 10-19 (10): +12.5 points, McNemar p = 0.4244.
    if (!text.stdout.includes("difference B − A: +12.5 points")) throw new Error(text.stdout);
    if (!text.stdout.includes("p = 0.4244 (McNemar exact test)")) throw new Error(text.stdout);
    if (!text.stdout.includes("flipped to wrong in B (10): 10, 11,")) throw new Error(text.stdout);
    const json = await runCli(["compare", "--json", `${dir}/a`, `${dir}/b`]);
    const c = JSON.parse(json.stdout);
    assertEquals([c.improved.length, c.regressed.length, c.shared_problems], [15, 10, 40]);

    // SkyThought's results.json on its own, scores as written.
    const results = JSON.parse(await Deno.readTextFile(`${dir}/a/${RUN_FILES.results}`));
    await Deno.writeTextFile(`${dir}/sky.json`, JSON.stringify(results));
    const sky = JSON.parse(
      (await runCli(["compare", "--json", `${dir}/sky.json`, `${dir}/a`])).stdout,
    );
    assertEquals([sky.difference, sky.a.accuracy, sky.warnings.length], [0, 0.5, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare refuses runs on different data unless forced, and bad input exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRun(`${dir}/a`, (i) => i < 20);
    await writeRun(`${dir}/b`, (i) => i < 20, "other");
    const refused = await runCli(["compare", `${dir}/a`, `${dir}/b`]);
    assertEquals(refused.code, 2);
    assertEquals(refused.stderr.trim().split("\n").length, 1);
    if (!refused.stderr.startsWith("error: Cannot compare the runs: The datasets differ")) {
      throw new Error(refused.stderr);
    }
    const forced = await runCli(["compare", "--force", `${dir}/a`, `${dir}/b`]);
    assertEquals(forced.code, 0, forced.stderr);
    if (!forced.stdout.includes("warning: not comparable")) throw new Error(forced.stdout);
    for (
      const args of [
        ["compare", `${dir}/a`],
        ["compare", `${dir}/a`, `${dir}/missing`],
        ["compare", `${dir}/a`, dir],
        ["compare", "--bogus", `${dir}/a`, `${dir}/b`],
      ]
    ) {
      const bad = await runCli(args);
      assertEquals(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      if (!/^error: [^\n]+\n$/.test(bad.stderr)) throw new Error(bad.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
