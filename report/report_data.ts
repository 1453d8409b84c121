/**
 * The data a report page embeds: per run its summary and statistics, and
 * per problem a compact record (prompt, gold, every response with its
 * reasoning split from its final answer, verdict, reason, extracted answer,
 * test verdicts and tokens). For two runs, problems are paired and the
 * flipped ones come first. Pure.
 *
 * @module
 */
import { compareRuns, problemKey, type RunComparison } from "../core/compare_runs.ts";
import { userPrompt } from "../core/conversation.ts";
import type { SampleRecord } from "../core/sample_record.ts";
import type { SavedRun } from "../core/saved_run.ts";
import { BREAKDOWN_FIELDS, groupValue } from "../core/stats/breakdown.ts";
import { summarize, type Summary } from "../core/summary.ts";
import { THINK_ENDS } from "../scoring/answer/extract.ts";

/** One response as the page shows it (short keys: 100,000 samples must stay small). */
export interface PageResponse {
  /** verdict (or "pending" / "errored") */
  v: string;
  /** correctness */
  c: boolean | null;
  /** extracted answer */
  x: string | null;
  /** final answer text (after the reasoning) */
  t: string;
  /** reasoning, when it could be told apart */
  th: string | null;
  /** why (the scorer's reason) */
  why: string;
  /** per-test verdicts of code */
  tests: string[] | null;
  /** completion tokens */
  tok: number | null;
  /** finish reason */
  f: string | null;
}

/** One problem as the page shows it. */
export interface PageSample {
  id: string;
  /** values of `fields`, in order (`null` when absent) */
  g: (string | null)[];
  /** the user prompt */
  q: string;
  /** the gold answer */
  a: string;
  /** responses of run A (the only run in a single-run report) */
  r: PageResponse[];
  /** responses of run B (compare reports) */
  r2?: PageResponse[];
  /** compare reports: 1 better in B, -1 worse in B, 0 same, null not shared */
  d?: number | null;
  /** prompt tokens */
  pt: number | null;
}

/** Everything a report page embeds. */
export interface ReportData {
  title: string;
  mode: "run" | "compare";
  runs: { label: string; path: string; summary: Summary }[];
  comparison: RunComparison | null;
  fields: string[];
  samples: PageSample[];
}

/** Splits a response into its reasoning and its final answer (`th` is null when there is no marker). */
export function splitReasoning(
  content: string,
  reasoning?: string,
): { th: string | null; t: string } {
  if (reasoning) return { th: reasoning, t: content };
  let cut = -1;
  let end = 0;
  for (const marker of THINK_ENDS) {
    const i = content.lastIndexOf(marker);
    if (i >= 0 && i + marker.length > end) {
      cut = i;
      end = i + marker.length;
    }
  }
  if (cut < 0) return { th: null, t: content };
  const th = content.slice(0, cut).replace(/^\s*(<think>|<\|begin_of_thought\|>)/, "").trim();
  const t = content.slice(end).replace(/^\s*<\|begin_of_solution\|>/, "").replace(
    /<\|end_of_solution\|>\s*$/,
    "",
  ).trim();
  return { th, t };
}

/** Builds the report data of one run, or of run B against run A. */
export function reportData(runs: readonly SavedRun[], options: { seed?: string } = {}): ReportData {
  const summaries = runs.map(summaryOf);
  const fields = BREAKDOWN_FIELDS.filter((f) =>
    summaries.some((s) => s.statistics.breakdowns[f] !== undefined)
  );
  const [a, b] = runs;
  if (!b) {
    return {
      title: `skyeval report: ${a.label}`,
      mode: "run",
      runs: [{ label: a.label, path: a.path, summary: summaries[0] }],
      comparison: null,
      fields,
      samples: a.records.map((r) => pageSample(r, fields, goldKey(a))),
    };
  }
  const comparison = compareRuns(a, b, options);
  const direction = new Map<string, number>();
  for (const m of comparison.improved) direction.set(m.id, 1);
  for (const m of comparison.regressed) direction.set(m.id, -1);
  const key = comparison.paired_by === "id"
    ? (r: SampleRecord) => r.id
    : (r: SampleRecord) => problemKey(r);
  const inB = new Map(b.records.map((r) => [key(r), r]));
  const samples: PageSample[] = [];
  const seen = new Set<string>();
  for (const ra of a.records) {
    const rb = inB.get(key(ra));
    const sample = pageSample(ra, fields, goldKey(a));
    if (rb) {
      seen.add(key(rb));
      sample.r2 = rb.responses.map((r) => pageResponse(r, rb.scored));
      sample.d = direction.get(ra.id) ?? direction.get(rb.id) ?? 0;
    } else sample.d = null;
    samples.push(sample);
  }
  for (const rb of b.records) {
    if (seen.has(key(rb))) continue;
    samples.push({
      ...pageSample(rb, fields, goldKey(b)),
      r: [],
      r2: rb.responses.map((r) => pageResponse(r, rb.scored)),
      d: null,
    });
  }
  // Flipped problems first, then the rest in run order.
  const rank = (s: PageSample) => (s.d === 1 || s.d === -1 ? 0 : 1);
  samples.sort((x, y) => rank(x) - rank(y));
  return {
    title: `skyeval compare: ${b.label} vs ${a.label}`,
    mode: "compare",
    runs: runs.map((run, i) => ({ label: run.label, path: run.path, summary: summaries[i] })),
    comparison,
    fields,
    samples,
  };
}

function summaryOf(run: SavedRun): Summary {
  const n = Number(
    run.summary?.n ?? Math.max(1, ...run.records.map((r) => r.responses.length)),
  );
  return summarize(run.records, {
    configuration: run.summary?.configuration ?? {},
    n,
    status: run.records.every((r) => r.scored || r.responses.length === 0) ? "scored" : "generated",
    scoring: run.summary?.scoring ?? null,
    fingerprint: run.summary?.fingerprint ?? {},
    version: run.summary?.skyeval_version ?? "",
    ...(run.summary?.updated_at ? { now: new Date(run.summary.updated_at) } : {}),
  });
}

function goldKey(run: SavedRun): string | null {
  const task = run.summary?.configuration?.task as
    | { config?: { answer_key?: unknown } }
    | undefined;
  const key = task?.config?.answer_key;
  return typeof key === "string" ? key : null;
}

const GOLD_KEYS = ["answer", "gt", "gold", "target", "correct_answer", "solution"];

function pageSample(
  record: SampleRecord,
  fields: readonly string[],
  gold: string | null,
): PageSample {
  const key = gold !== null && record.row[gold] !== undefined
    ? gold
    : GOLD_KEYS.find((k) => record.row[k] !== undefined && record.row[k] !== null);
  const value = key === undefined ? "" : record.row[key];
  return {
    id: record.id,
    g: fields.map((f) => groupValue(record.row, f)),
    q: userPrompt(record.messages) || problemKey(record),
    a: typeof value === "string" ? value : JSON.stringify(value),
    r: record.error !== undefined && record.responses.length === 0
      ? [errored(record.error)]
      : record.responses.map((r) => pageResponse(r, record.scored)),
    pt: record.prompt_tokens,
  };
}

function pageResponse(response: SampleRecord["responses"][number], scored: boolean): PageResponse {
  const { th, t } = splitReasoning(response.content, response.reasoning);
  return {
    v: scored
      ? response.verdict ??
        (response.correctness === null
          ? "unscored"
          : response.correctness
          ? "correct"
          : "incorrect")
      : "pending",
    c: scored ? response.correctness : null,
    x: response.extracted ?? null,
    t,
    th,
    why: response.reason,
    tests: response.tests ?? null,
    tok: response.completion_tokens,
    f: response.finish_reason,
  };
}

function errored(message: string): PageResponse {
  return {
    v: "errored",
    c: null,
    x: null,
    t: "",
    th: null,
    why: message,
    tests: null,
    tok: null,
    f: null,
  };
}
