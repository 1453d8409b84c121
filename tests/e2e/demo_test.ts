/**
 * The README's first command: `skyeval demo` runs the bundled task against
 * its local replay server and writes a scored run folder.
 */
import { assertEquals } from "../support/assert.ts";
import { onlyRunDir, runCli } from "./cli_helpers.ts";

Deno.test("demo evaluates the bundled task end to end", async () => {
  const resultDir = await Deno.makeTempDir();
  try {
    const run = await runCli(["demo", "--result-dir", resultDir]);
    assertEquals(run.code, 0, run.stderr);
    if (!run.stdout.includes("accuracy 75.00%")) throw new Error(run.stdout);
    const runDir = await onlyRunDir(resultDir);
    const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals(summary.verdicts, { correct: 9, incorrect: 2, truncated: 1 });
    assertEquals(summary.fingerprint.dataset.rows, 12);
    // Run again: same configuration, same folder, started afresh.
    assertEquals((await runCli(["demo", "--result-dir", resultDir])).code, 0);
    assertEquals(await onlyRunDir(resultDir), runDir);
  } finally {
    await Deno.remove(resultDir, { recursive: true });
  }
});
