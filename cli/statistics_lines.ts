/**
 * The end-of-run lines that follow the accuracy line: mean@n with the
 * clustered interval and maj@k (n > 1), accuracy per level/subject/..., and
 * tokens and time.
 *
 * @module
 */
import type { RunStatistics } from "../core/stats/run_statistics.ts";

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Lines describing a run's statistics; empty parts are left out. */
export function statisticsLines(stats: RunStatistics, n: number): string[] {
  const lines: string[] = [];
  if (n > 1 && stats.mean_at_n !== null) {
    const parts = [`mean@${n} ${percent(stats.mean_at_n)}`];
    if (stats.clustered_ci95) {
      parts.push(
        `95% CI clustered by problem ${percent(stats.clustered_ci95[0])}-${
          percent(stats.clustered_ci95[1])
        }`,
      );
    }
    if (stats.maj_at_k) {
      parts.push(
        Object.entries(stats.maj_at_k).map(([k, v]) => `maj@${k.slice(2)} ${v.toFixed(1)}%`)
          .join(" "),
      );
    }
    lines.push(parts.join(", "));
  }
  for (const [field, groups] of Object.entries(stats.breakdowns)) {
    const parts = Object.entries(groups).map(([value, g]) =>
      `${value} ${percent(g.accuracy)} (${g.problems})`
    );
    lines.push(`by ${field}: ${parts.join(", ")}`);
  }
  const tokens = [`tokens: ${stats.tokens.prompt} prompt`, `${stats.tokens.completion} completion`];
  if (stats.tokens.reasoning !== null) tokens.push(`${stats.tokens.reasoning} reasoning`);
  if (stats.tokens.completion_per_correct !== null) {
    tokens.push(`${stats.tokens.completion_per_correct} completion per correct answer`);
  }
  if (stats.time) {
    tokens.push(
      `${stats.time.generation_seconds}s generating (${stats.time.mean_seconds_per_sample}s per problem)`,
    );
  }
  lines.push(tokens.join(", "));
  return lines;
}
