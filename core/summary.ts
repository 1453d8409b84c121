/**
 * `summary.json`: SkyThought's keys (so its users' scripts keep working)
 * plus what makes a number trustworthy: verdict counts, unscored and
 * errored samples, standard error and interval, truncation rate, which
 * scoring path and sandbox ran, and a fingerprint of everything that moves
 * the number.
 *
 * Accuracy is over scored responses: an unscored response (grader or
 * sandbox failure) or an errored sample (generation failed) is not wrong,
 * so it is left out and counted instead. A summary never passes for a final
 * one: `status` says whether the run is still running, was interrupted,
 * only generated, or finished with samples missing (`partial`), and
 * `accuracy` is `null` unless the run finished scoring (for `partial`, it
 * covers the `scored_responses` of `covered_samples` of `expected_samples`).
 *
 * @module
 */
import { MeanAccumulator, passAtK, passAtKValues, round } from "./metrics.ts";
import type { SampleRecord } from "./sample_record.ts";
import { type RunStatistics, RunStatisticsAccumulator } from "./stats/run_statistics.ts";
import { type Verdict, VERDICTS } from "./verdict.ts";

/** What `summary.json` holds. */
export interface Summary {
  configuration: Record<string, unknown>;
  total_completion_tokens: number;
  avg_completion_tokens: number;
  total_prompt_tokens: number;
  avg_prompt_tokens: number;
  /** Over scored responses; `null` while running, after an interrupt and for generate-only runs. */
  accuracy: number | null;
  pass_at_k: Record<string, number> | null;
  status: RunStatus;
  /** Problems the run selected. */
  expected_samples: number;
  /** Selected problems with no generation on disk (not reached, or failed to generate). */
  missing_samples: number;
  /** Problems with at least one scored response: what `accuracy` covers. */
  covered_samples: number;
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
  /** maj@k, mean@n, the clustered interval, breakdowns, tokens and time. */
  statistics: RunStatistics;
  scoring: Record<string, unknown> | null;
  /** How generation went: requests in flight (asked, reached) and retries by cause. */
  generation?: Record<string, unknown>;
  fingerprint: Record<string, unknown>;
  skyeval_version: string;
  updated_at: string;
}

/**
 * Where a run stands: `running` (the process is, or was killed while, at
 * work), `interrupted` (stopped by a signal), `generated` (generate only),
 * `partial` (finished, but samples failed to generate or responses wait to
 * be scored), `scored` (everything generated and scored).
 */
export type RunStatus = "running" | "interrupted" | "generated" | "partial" | "scored";

/** Inputs besides the records. */
export interface SummaryContext {
  configuration: Record<string, unknown>;
  n: number;
  /** How the run ended; `scored` becomes `partial` when anything is missing. */
  status: Exclude<RunStatus, "partial">;
  /** Problems the run selected (default: the records given). */
  expected?: number;
  scoring: Record<string, unknown> | null;
  generation?: Record<string, unknown>;
  fingerprint: Record<string, unknown>;
  version: string;
  now?: Date;
}

/** Computes the summary of a run from its sample records. */
export function summarize(records: Iterable<SampleRecord>, ctx: SummaryContext): Summary {
  const fold = new SummaryFold();
  for (const record of records) fold.add(record);
  return fold.finish(ctx);
}

/**
 * The summary as a fold over sample records: `add` each record once (in any
 * order; `errored_ids` keeps it), then `finish`. It keeps a few numbers per
 * problem, never the records, so a run of any size is summarized in one
 * streaming pass.
 */
export class SummaryFold {
  #samples = 0;
  #completionTokens = 0;
  #promptTokens = 0;
  #responses = 0;
  #truncated = 0;
  #scored = 0;
  #unscored = 0;
  #pending = 0;
  #correct = 0;
  #erroredIds: string[] = [];
  #verdicts: Partial<Record<Verdict, number>> = {};
  /** Per scored problem: its share correct; problems by judged and correct responses, for pass@k. */
  #shares = new MeanAccumulator();
  #passCounts = new PassCounts();
  #statistics = new RunStatisticsAccumulator();
  #mostResponses = 0;

  /** The most responses any sample has. */
  get mostResponses(): number {
    return this.#mostResponses;
  }

  /** Responses of samples not scored yet. */
  get pendingResponses(): number {
    return this.#pending;
  }

  /** Folds in one sample's latest record. */
  add(record: SampleRecord): void {
    this.#samples++;
    this.#statistics.add(record);
    if (record.error !== undefined && record.responses.length === 0) {
      this.#erroredIds.push(record.id);
      return;
    }
    this.#promptTokens += record.prompt_tokens ?? 0;
    this.#mostResponses = Math.max(this.#mostResponses, record.responses.length);
    let correct = 0;
    let judged = 0;
    for (const response of record.responses) {
      this.#responses++;
      this.#completionTokens += response.completion_tokens ?? 0;
      if (response.finish_reason === "length") this.#truncated++;
      if (response.verdict) {
        this.#verdicts[response.verdict] = (this.#verdicts[response.verdict] ?? 0) + 1;
      }
      if (!record.scored) {
        this.#pending++;
        continue;
      }
      if (response.correctness === null) this.#unscored++;
      else {
        this.#scored++;
        judged++;
        if (response.correctness) correct++;
      }
    }
    if (record.scored && judged > 0) {
      this.#shares.add(correct / judged);
      this.#passCounts.add(judged, correct);
      this.#correct += correct;
    }
  }

  /** The summary of everything added. */
  finish(ctx: SummaryContext): Summary {
    const responses = this.#responses;
    const scored = this.#scored;
    const estimate = this.#shares.finish();
    const covered = this.#shares.count;
    const problems = this.#samples - this.#erroredIds.length;
    const verdicts = this.#verdicts;
    const expected = Math.max(ctx.expected ?? this.#samples, this.#samples);
    const missing = expected - problems;
    const status = ctx.status === "scored" && (missing > 0 || this.#pending > 0)
      ? "partial"
      : ctx.status;
    const finished = status === "scored" || status === "partial";
    return {
      configuration: ctx.configuration,
      total_completion_tokens: this.#completionTokens,
      avg_completion_tokens: responses ? round(this.#completionTokens / responses, 3) : 0,
      total_prompt_tokens: this.#promptTokens,
      avg_prompt_tokens: problems ? round(this.#promptTokens / problems, 3) : 0,
      accuracy: finished && scored ? round(this.#correct / scored, 4) : null,
      pass_at_k: finished && ctx.n > 1 ? this.#passCounts.table(ctx.n) : null,
      status,
      expected_samples: expected,
      missing_samples: missing,
      covered_samples: covered,
      num_samples: this.#samples,
      num_responses: responses,
      n: ctx.n,
      scored_responses: scored,
      unscored_responses: this.#unscored,
      errored_samples: this.#erroredIds.length,
      errored_ids: [...this.#erroredIds],
      pending_responses: this.#pending,
      verdicts: Object.fromEntries(
        VERDICTS.filter((v) => verdicts[v]).map((v) => [v, verdicts[v]]),
      ),
      stderr: covered ? round(estimate.stderr, 4) : null,
      ci95: covered ? [round(estimate.ci95[0], 4), round(estimate.ci95[1], 4)] : null,
      truncated_rate: responses ? round(this.#truncated / responses, 4) : 0,
      statistics: this.#statistics.finish(ctx.n),
      scoring: ctx.scoring,
      ...(ctx.generation ? { generation: ctx.generation } : {}),
      fingerprint: ctx.fingerprint,
      skyeval_version: ctx.version,
      updated_at: (ctx.now ?? new Date()).toISOString(),
    };
  }
}

/** Problems counted by how many responses were judged and how many of them were correct. */
class PassCounts {
  #problems = new Map<string, { judged: number; correct: number; problems: number }>();

  add(judged: number, correct: number): void {
    const key = `${judged}/${correct}`;
    const entry = this.#problems.get(key);
    if (entry) entry.problems++;
    else this.#problems.set(key, { judged, correct, problems: 1 });
  }

  /**
   * `{"k=8": 81.25, ..., "k=1": 50}` in percent; problems with fewer judged
   * responses than k are skipped for that k.
   */
  table(n: number): Record<string, number> {
    const table: Record<string, number> = {};
    for (const k of passAtKValues(n)) {
      let sum = 0;
      let eligible = 0;
      for (const { judged, correct, problems } of this.#problems.values()) {
        if (judged < k) continue;
        sum += problems * passAtK(judged, correct, k);
        eligible += problems;
      }
      if (eligible === 0) continue;
      table[`k=${k}`] = round((sum / eligible) * 100, 3);
    }
    return table;
  }
}
