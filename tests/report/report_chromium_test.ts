/**
 * The report page in headless Chromium: the report `evaluate` writes for a
 * real run (the demo task over HTTP), its filters, search, links and a
 * screenshot; model output that tries to be HTML; and a 100,000-sample run.
 */
import { assertEquals } from "../support/assert.ts";
import { CHROMIUM, dumpDom, readRenderedReport, screenshot } from "../support/chromium.ts";
import { onlyRunDir, runCli } from "../e2e/cli_helpers.ts";
import { syntheticVerdict, writeSyntheticRun } from "../support/synthetic_run.ts";
import { writeReport } from "../../report/write_report.ts";
import { RUN_FILES } from "../../core/run_dir.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

const ignore = CHROMIUM === null;
if (ignore) {
  console.warn(
    "ignored: report browser tests: chromium is not installed (apt-get install -y chromium)",
  );
}

Deno.test({
  name: "report of a real run renders its samples, filters, search and links in Chromium",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const run = await runCli(["demo", "--result-dir", dir]);
      assertEquals(run.code, 0, run.stderr);
      const report = `${await onlyRunDir(dir)}/report.html`;
      if (!run.stdout.includes(`report: ${report}`)) throw new Error(run.stdout);

      const all = readRenderedReport(await dumpDom(report));
      assertEquals(all.shown, 12);
      assertEquals(all.rows, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
      assertEquals(all.detail, null);
      const wrong = readRenderedReport(await dumpDom(report, "#verdict=incorrect"));
      assertEquals(wrong.rows, ["4", "7"]);
      const search = readRenderedReport(await dumpDom(report, "#q=HEXAGON"));
      assertEquals(search.rows, ["3"]);
      const level = readRenderedReport(await dumpDom(report, "#group=level%3D3"));
      assertEquals(level.rows, ["4", "10", "11"]);
      const both = readRenderedReport(await dumpDom(report, "#verdict=truncated&group=level%3D3"));
      assertEquals(both.rows, ["10"]);
      const linked = readRenderedReport(await dumpDom(report, "#s=4"));
      assertEquals(linked.detail, "Problem 4");

      const png = `${dir}/report.png`;
      await screenshot(report, png, "#s=4");
      const bytes = await Deno.readFile(png);
      assertEquals([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      if (bytes.length < 20_000) throw new Error(`screenshot of ${bytes.length} bytes is blank`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "report shows model output that looks like HTML as text",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const attack = `</script><img src=x onerror="document.body.dataset.pwned=1"><b>bold</b>`;
      const record: SampleRecord = {
        id: "x<1>",
        row: { _index: "x<1>", problem: attack, answer: "<i>1</i>" },
        messages: [{ role: "user", content: attack }],
        prompt_tokens: 1,
        responses: [{
          content: `<think>${attack}</think>${attack}`,
          finish_reason: "stop",
          completion_tokens: 1,
          correctness: false,
          reason: attack,
          verdict: "incorrect",
          extracted: attack,
        }],
        scored: true,
      };
      await Deno.writeTextFile(`${dir}/${RUN_FILES.samples}`, JSON.stringify(record) + "\n");
      const { path } = await writeReport([dir]);
      const dom = await dumpDom(path, "#s=x%3C1%3E");
      const page = readRenderedReport(dom);
      assertEquals(page.detail, "Problem x&lt;1&gt;");
      for (const injected of ["<img", "<b>", "<i>", "data-pwned"]) {
        if (dom.includes(injected)) throw new Error(`${injected} reached the DOM as markup`);
      }
      if (!dom.includes("&lt;img src=x")) throw new Error("the text was not shown");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "report of 100,000 samples renders a window of rows and filters all of them",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const count = 100_000;
      await writeSyntheticRun(dir, count);
      const { path, samples } = await writeReport([dir]);
      assertEquals(samples, count);
      const all = readRenderedReport(await dumpDom(path));
      assertEquals(all.shown, count);
      if (all.rows.length === 0 || all.rows.length > 100) {
        throw new Error(`${all.rows.length} rows in the DOM`);
      }
      // Incorrect problems whose text holds "p9999" (9999 and 99990-99999): search and verdict together.
      const expected = Array.from({ length: count }, (_, i) => i)
        .filter((i) => String(i).startsWith("9999") && syntheticVerdict(i) === "incorrect")
        .map(String);
      const filtered = readRenderedReport(await dumpDom(path, "#verdict=incorrect&q=p9999"));
      assertEquals(filtered.rows, expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
