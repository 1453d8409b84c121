/**
 * `skyeval compare RUN_A RUN_B`: a paired comparison of two runs (skyeval
 * or SkyThought run folders, or SkyThought `results.json` files) on the
 * problems they share.
 *
 * @module
 */
import { compareRuns, type MovedProblem, type RunComparison } from "../core/compare_runs.ts";
import { readSavedRun } from "../core/saved_run.ts";
import { parseFlags } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";

const FLAGS = {
  json: { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  seed: { type: "string", default: "0" },
  help: { type: "boolean", short: "h" },
} as const;

/** Help text for `compare`. */
export const COMPARE_HELP = `Usage: skyeval compare RUN_A RUN_B [--json] [--force] [--seed S]

Compare run B against run A on the problems both ran: the difference in
accuracy (B − A) with its 95% interval and p-value (McNemar's exact test with
one response per problem, a paired bootstrap over problems otherwise), the
problems that flipped each way, and how many problems a benchmark would need
to resolve a difference this size. A run is a skyeval or SkyThought run
folder, or a SkyThought results.json.

  --json        print the comparison as JSON
  --force       compare even when the fingerprints say the runs measure different things
  --seed S      bootstrap seed (default 0)`;

/** Reads both runs and compares them; refuses runs that are not comparable unless forced. */
export async function loadComparison(
  pathA: string,
  pathB: string,
  options: { force: boolean; seed: string },
): Promise<RunComparison> {
  const [a, b] = await Promise.all([readSavedRun(pathA), readSavedRun(pathB)]);
  const comparison = compareRuns(a, b, { seed: options.seed });
  if (comparison.not_comparable.length && !options.force) {
    throw new UsageError(
      `Cannot compare the runs: ${comparison.not_comparable.join("; ")} (--force compares anyway)`,
    );
  }
  if (comparison.shared_problems === 0) {
    throw new UsageError("Cannot compare the runs: they share no problem");
  }
  if (comparison.shared_problems === comparison.unscored_in_either) {
    throw new UsageError(
      "Cannot compare the runs: no shared problem is scored in both (score them with skyeval score)",
    );
  }
  return comparison;
}

/** Runs `compare`; returns the exit code. */
export async function runCompare(args: string[], io: CommandIO): Promise<number> {
  const { values: flags, positionals } = parseFlags("compare", args, FLAGS, true);
  if (flags.help) {
    io.print(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`compare: expected two runs, got ${positionals.length}`);
  }
  const comparison = await loadComparison(positionals[0], positionals[1], flags);
  if (flags.json) io.print(JSON.stringify(comparison, null, 2));
  else comparisonLines(comparison).forEach(io.print);
  return 0;
}

const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)}`;
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const LISTED = 20;

/** The comparison as terminal lines. */
export function comparisonLines(c: RunComparison): string[] {
  const width = Math.max(c.a.label.length, c.b.label.length);
  const lines = [
    `A ${c.a.label.padEnd(width)}  ${percent(c.a.accuracy)}`,
    `B ${c.b.label.padEnd(width)}  ${percent(c.b.accuracy)}`,
    `on ${c.shared_problems} shared problems (paired by ${c.paired_by}; ${c.only_in_a} only in A, ${c.only_in_b} only in B${
      c.unscored_in_either ? `, ${c.unscored_in_either} unscored in either left out` : ""
    })`,
    `difference B − A: ${points(c.difference)} points, 95% CI ${points(c.ci95[0])} to ${
      points(c.ci95[1])
    }, p = ${formatP(c.p_value)} (${
      c.test === "mcnemar_exact" ? "McNemar exact test" : "paired bootstrap over problems"
    })`,
  ];
  const oneEach = c.test === "mcnemar_exact";
  lines.push(
    moved(oneEach ? "flipped to correct in B" : "better in B", c.improved, oneEach),
    moved(oneEach ? "flipped to wrong in B" : "worse in B", c.regressed, oneEach),
  );
  lines.push(
    c.problems_needed === null
      ? "no difference to resolve"
      : `to resolve a difference this size at 80% power (α = 0.05): about ${c.problems_needed} problems${
        c.problems_needed > c.shared_problems ? ` (this comparison has ${c.shared_problems})` : ""
      }`,
  );
  for (const reason of c.not_comparable) lines.push(`warning: not comparable: ${reason}`);
  for (const warning of c.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

function moved(title: string, problems: MovedProblem[], oneEach: boolean): string {
  const shown = problems.slice(0, LISTED).map((p) => {
    const id = p.id.replace(/\s+/g, " ");
    const name = id.length > 40 ? `${id.slice(0, 39)}…` : id;
    return oneEach ? name : `${name} (${percent(p.a)} → ${percent(p.b)})`;
  });
  const more = problems.length > LISTED ? `, ... ${problems.length - LISTED} more` : "";
  return `${title} (${problems.length}): ${shown.join(", ")}${more}`;
}

function formatP(p: number): string {
  if (p === 0) return "< 0.0001";
  if (p < 0.0001) return p.toExponential(1);
  return p.toFixed(4);
}
