/**
 * Reads one or two runs and writes their report page.
 *
 * Needs read access to the runs and write access to the output file.
 *
 * @module
 */
import { writeFileAtomic } from "../core/run_dir.ts";
import { readSavedRun } from "../core/saved_run.ts";
import { reportData } from "./report_data.ts";
import { reportHtml } from "./report_html.ts";

/** The report's file name inside a run folder. */
export const REPORT_FILE = "report.html";

/** What was written. */
export interface WrittenReport {
  path: string;
  samples: number;
  bytes: number;
}

/**
 * Writes the report of `runs[0]`, or of `runs[1]` against `runs[0]`, to
 * `output` (default: `report.html` in the first run folder).
 *
 * @throws {RunDirError} when a run cannot be read.
 */
export async function writeReport(
  runs: readonly string[],
  options: { output?: string; seed?: string } = {},
): Promise<WrittenReport> {
  const saved = await Promise.all(runs.map(readSavedRun));
  const data = reportData(saved, options.seed ? { seed: options.seed } : {});
  const html = reportHtml(data);
  const output = options.output ?? defaultOutput(saved[0].path, saved[1]?.label);
  await writeFileAtomic(output, html);
  return { path: output, samples: data.samples.length, bytes: html.length };
}

function defaultOutput(first: string, against: string | undefined): string {
  const folder = first.endsWith(".json") ? first.replace(/[^/]*$/, "") || "./" : `${first}/`;
  return `${folder}${against ? `compare_${against}.html` : REPORT_FILE}`;
}
