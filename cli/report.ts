/**
 * `skyeval report --run-dir DIR [--run-dir DIR_B]`: the self-contained HTML
 * report of a run, or of two runs side by side.
 *
 * @module
 */
import { writeReport } from "../report/write_report.ts";
import { loadComparison } from "./compare.ts";
import { parseFlags } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";

const FLAGS = {
  "run-dir": { type: "string", multiple: true },
  output: { type: "string" },
  force: { type: "boolean", default: false },
  seed: { type: "string", default: "0" },
  help: { type: "boolean", short: "h" },
} as const;

/** Help text for `report`. */
export const REPORT_HELP =
  `Usage: skyeval report --run-dir DIR [--run-dir DIR_B] [--output FILE] [--force]

Write one self-contained HTML file (no network, no server) with the run's
summary, breakdown charts and every sample (prompt, reasoning, final answer,
extracted vs gold with the verdict and why, code test verdicts, tokens),
filterable by verdict and group, searchable, with a link per sample.
With two run folders, the compare view: run B against run A, flipped
problems first. A run is a skyeval or SkyThought run folder, or a SkyThought
results.json.

  --run-dir DIR   the run (twice: A, then B)
  --output FILE   where to write (default: DIR/report.html, or DIR/compare_<B>.html)
  --force         compare runs the fingerprints say are not comparable
  --seed S        bootstrap seed of the comparison (default 0)`;

/** Runs `report`; returns the exit code. */
export async function runReport(args: string[], io: CommandIO): Promise<number> {
  const { values: flags } = parseFlags("report", args, FLAGS);
  if (flags.help) {
    io.print(REPORT_HELP);
    return 0;
  }
  const runs = flags["run-dir"] ?? [];
  if (runs.length === 0) throw new UsageError("report: missing option --run-dir");
  if (runs.length > 2) throw new UsageError("report: at most two --run-dir (A and B)");
  if (flags.output) {
    const folder = flags.output.replace(/[^/]*$/, "") || ".";
    if (!(await Deno.stat(folder).then((i) => i.isDirectory, () => false))) {
      throw new UsageError(`--output: folder "${folder}" does not exist`);
    }
  }
  // The same refusal as `compare`, before anything is written.
  if (runs.length === 2) await loadComparison(runs[0], runs[1], flags);
  const written = await writeReport(runs, {
    ...(flags.output ? { output: flags.output } : {}),
    seed: flags.seed,
  });
  io.print(`report: ${written.path} (${written.samples} problems)`);
  return 0;
}
