/**
 * `summary.json`: SkyThought's keys (so its users' scripts keep working)
 * plus what makes a number trustworthy: verdict counts, unscored and
 * errored samples, standard error and interval, truncation rate, which
 * scoring path and sandbox ran, and a fingerprint of everything that moves
 * the number.
 *
 * Accuracy is over scored responses: an unscored response (grader or
 * sandbox failure) or an errored sample (generation failed) is not wrong,
 * so it is left out and counted instead.
 *
 * @module
 */
import { estimateMean, passAtK, passAtKValues, round } from "./metrics.ts";
import type { SampleRecord } from "./sample_record.ts";
import { type Verdict, VERDICTS } from "./verdict.ts";

/** What `summary.json` holds. */
export interface Summary {
  configuration: Record<string, unknown>;
  total_completion_tokens: number;
  avg_completion_tokens: number;
  total_prompt_tokens: number;
  avg_prompt_tokens: number;
  accuracy: number;
  pass_at_k: Record<string, number> | null;
  status: "running" | "generated" | "scored";
  num_samples: number;
  num_responses: number;
  n: number;
  scored_responses: number;
  unscored_responses: number;
  errored_samples: number;
  /** `_index` of samples that failed to generate (retried by `--resume-from`). */
  errored_ids: string[];
  /** Responses not scored yet (after `generate`, or `score --ids` on part of a run). */
  pending_responses: number;
  verdicts: Partial<Record<Verdict, number>>;
  stderr: number | null;
  ci95: [number, number] | null;
  truncated_rate: number;
  scoring: Record<string, unknown> | null;
  fingerprint: Record<string, unknown>;
  skyeval_version: string;
  updated_at: string;
}

/** Inputs besides the records. */
export interface SummaryContext {
  configuration: Record<string, unknown>;
  n: number;
  status: Summary["status"];
  scoring: Record<string, unknown> | null;
  fingerprint: Record<string, unknown>;
  version: string;
  now?: Date;
}

/** Computes the summary of a run from its sample records. */
export function summarize(records: readonly SampleRecord[], ctx: SummaryContext): Summary {
  let completionTokens = 0;
  let promptTokens = 0;
  let responses = 0;
  let truncated = 0;
  let scored = 0;
  let unscored = 0;
  let errored = 0;
  let pending = 0;
  const erroredIds: string[] = [];
  const verdicts: Partial<Record<Verdict, number>> = {};
  const perProblem: number[] = [];
  const passCounts: { n: number; c: number }[] = [];

  for (const record of records) {
    if (record.error !== undefined && record.responses.length === 0) {
      errored++;
      erroredIds.push(record.id);
      continue;
    }
    promptTokens += record.prompt_tokens ?? 0;
    let correct = 0;
    let judged = 0;
    for (const response of record.responses) {
      responses++;
      completionTokens += response.completion_tokens ?? 0;
      if (response.finish_reason === "length") truncated++;
      if (response.verdict) verdicts[response.verdict] = (verdicts[response.verdict] ?? 0) + 1;
      if (!record.scored) {
        pending++;
        continue;
      }
      if (response.correctness === null) unscored++;
      else {
        scored++;
        judged++;
        if (response.correctness) correct++;
      }
    }
    if (record.scored && judged > 0) {
      perProblem.push(correct / judged);
      passCounts.push({ n: judged, c: correct });
    }
  }

  const estimate = estimateMean(perProblem);
  const correctTotal = passCounts.reduce((a, p) => a + p.c, 0);
  const problems = records.length - errored;
  return {
    configuration: ctx.configuration,
    total_completion_tokens: completionTokens,
    avg_completion_tokens: responses ? round(completionTokens / responses, 3) : 0,
    total_prompt_tokens: promptTokens,
    avg_prompt_tokens: problems ? round(promptTokens / problems, 3) : 0,
    accuracy: scored ? round(correctTotal / scored, 4) : 0,
    pass_at_k: ctx.n > 1 ? passAtKTable(passCounts, ctx.n) : null,
    status: ctx.status,
    num_samples: records.length,
    num_responses: responses,
    n: ctx.n,
    scored_responses: scored,
    unscored_responses: unscored,
    errored_samples: errored,
    errored_ids: erroredIds,
    pending_responses: pending,
    verdicts: Object.fromEntries(VERDICTS.filter((v) => verdicts[v]).map((v) => [v, verdicts[v]])),
    stderr: perProblem.length ? round(estimate.stderr, 4) : null,
    ci95: perProblem.length ? [round(estimate.ci95[0], 4), round(estimate.ci95[1], 4)] : null,
    truncated_rate: responses ? round(truncated / responses, 4) : 0,
    scoring: ctx.scoring,
    fingerprint: ctx.fingerprint,
    skyeval_version: ctx.version,
    updated_at: (ctx.now ?? new Date()).toISOString(),
  };
}

/** `{"k=8": 81.25, ..., "k=1": 50}` in percent; problems with fewer scored responses than k are skipped for that k. */
function passAtKTable(
  counts: readonly { n: number; c: number }[],
  n: number,
): Record<string, number> {
  const table: Record<string, number> = {};
  for (const k of passAtKValues(n)) {
    const eligible = counts.filter((p) => p.n >= k);
    if (eligible.length === 0) continue;
    const mean = eligible.reduce((a, p) => a + passAtK(p.n, p.c, k), 0) / eligible.length;
    table[`k=${k}`] = round(mean * 100, 3);
  }
  return table;
}
