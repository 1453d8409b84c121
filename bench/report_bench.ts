/**
 * Load time of the HTML report in headless Chromium: a 100,000-sample
 * synthetic run against a 1,000-sample baseline built and loaded in the
 * same run (same machine load), plus the time to write each report.
 * "ready" is the page's own mark: navigation start until its first rows are
 * drawn; "wall" is the whole Chromium process (start, load, dump).
 *
 *   deno run -A bench/report_bench.ts [--n 100000]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { writeReport } from "../report/write_report.ts";
import { CHROMIUM, dumpDom, readRenderedReport } from "../tests/support/chromium.ts";
import { writeSyntheticRun } from "../tests/support/synthetic_run.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "100000" } } });
const big = Number(values.n);
const baseline = 1_000;
if (!CHROMIUM) throw new Error("Chromium is not installed (apt-get install -y chromium)");

async function measure(count: number) {
  const dir = await Deno.makeTempDir({ prefix: "skyeval-report-bench-" });
  try {
    await writeSyntheticRun(dir, count);
    let start = performance.now();
    const written = await writeReport([dir]);
    const writeMs = performance.now() - start;
    start = performance.now();
    const page = readRenderedReport(await dumpDom(written.path));
    const wallMs = performance.now() - start;
    if (page.shown !== count) throw new Error(`${page.shown} of ${count} samples shown`);
    return {
      count,
      mb: written.bytes / 1e6,
      writeMs,
      readyMs: page.readyMs,
      wallMs,
      rows: page.rows.length,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const results = [];
for (const count of [baseline, big]) {
  const r = await measure(count);
  results.push(r);
  console.log(
    `${r.count} samples: report ${r.mb.toFixed(1)} MB written in ${r.writeMs.toFixed(0)} ms; ` +
      `Chromium ready in ${r.readyMs} ms (${
        r.wallMs.toFixed(0)
      } ms wall), ${r.rows} rows in the DOM`,
  );
}
const [a, b] = results;
console.log(
  `ratio ${b.count}/${a.count} samples: ready ${(b.readyMs / a.readyMs).toFixed(1)}x, ` +
    `wall ${(b.wallMs / a.wallMs).toFixed(1)}x (load average ${Deno.loadavg()[0].toFixed(1)})`,
);
