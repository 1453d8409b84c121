/**
 * `skyeval report` from the command line: one run, two runs side by side
 * (checked in headless Chromium: flipped problems first, the flipped
 * filter), and bad input.
 */
import { assertEquals } from "../support/assert.ts";
import { runCli } from "./cli_helpers.ts";
import { writeRun } from "../support/small_run.ts";
import { CHROMIUM, dumpDom, readRenderedReport } from "../support/chromium.ts";

Deno.test("report writes one run's page and the side-by-side page of two", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRun(`${dir}/a`, (i) => i < 20);
    await writeRun(`${dir}/b`, (i) => i < 10 || i >= 35);
    const one = await runCli(["report", "--run-dir", `${dir}/a`]);
    assertEquals(one.code, 0, one.stderr);
    assertEquals(one.stdout, `report: ${dir}/a/report.html (40 problems)\n`);
    const two = await runCli(["report", "--run-dir", `${dir}/a`, "--run-dir", `${dir}/b`]);
    assertEquals(two.code, 0, two.stderr);
    const page = `${dir}/a/compare_b.html`;
    assertEquals(two.stdout, `report: ${page} (40 problems)\n`);
    const html = await Deno.readTextFile(page);
    if (!html.includes("B − A: −12.5 points")) throw new Error("no comparison in the page");
    if (CHROMIUM === null) {
      console.warn("ignored: compare page in Chromium: chromium is not installed");
      return;
    }
    // Flipped first: B lost 10-19, gained 35-39, in run order.
    const flipped = [...Array.from({ length: 10 }, (_, i) => 10 + i), 35, 36, 37, 38, 39]
      .map(String);
    const all = readRenderedReport(await dumpDom(page));
    assertEquals(all.shown, 40);
    assertEquals(all.rows.slice(0, 15), flipped);
    const worse = readRenderedReport(await dumpDom(page, "#verdict=regressed"));
    assertEquals(worse.rows, flipped.slice(0, 10));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report refuses bad input with one error line and exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRun(`${dir}/a`, (i) => i < 20);
    await writeRun(`${dir}/other`, (i) => i < 20, "another dataset");
    for (
      const args of [
        ["report"],
        ["report", "--run-dir", `${dir}/missing`],
        ["report", "--run-dir", dir],
        ["report", "--run-dir", `${dir}/a`, "--output", `${dir}/no/such/folder/r.html`],
        ["report", "--run-dir", `${dir}/a`, "--run-dir", `${dir}/a`, "--run-dir", `${dir}/a`],
        ["report", "--run-dir", `${dir}/a`, "--run-dir", `${dir}/other`],
      ]
    ) {
      const bad = await runCli(args);
      assertEquals(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      if (!/^error: [^\n]+\n$/.test(bad.stderr)) throw new Error(bad.stderr);
    }
    const written = await Deno.stat(`${dir}/a/compare_other.html`).then(() => true, () => false);
    assertEquals(written, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
