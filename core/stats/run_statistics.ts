/**
 * The statistics `summary.json` carries beyond accuracy, computed as one
 * fold over the sample records (`add` each, then `finish`), so a summary can
 * stream over `samples.jsonl` without holding it:
 *
 * - `mean_at_n`: the mean over problems of each problem's accuracy;
 * - `clustered_stderr` and `clustered_ci95`: accuracy's error clustered by
 *   problem (see `clustered.ts`);
 * - `maj_at_k`: majority vote over extracted answers, in percent (n > 1);
 * - `breakdowns`: accuracy per level, subject, difficulty, ... when the
 *   dataset has such a field;
 * - `tokens`: prompt, completion and (when the server reports it) reasoning
 *   tokens, and completion tokens spent per correct response;
 * - `time`: generation wall time summed over samples, when recorded.
 *
 * @module
 */
import { passAtKValues, round } from "../metrics.ts";
import type { SampleRecord } from "../sample_record.ts";
import { BreakdownAccumulator, type GroupStats } from "./breakdown.ts";
import { ClusteredAccumulator } from "./clustered.ts";
import { MajorityAccumulator } from "./majority.ts";

/** The `statistics` object of `summary.json`. */
export interface RunStatistics {
  mean_at_n: number | null;
  clustered_stderr: number | null;
  clustered_ci95: [number, number] | null;
  maj_at_k: Record<string, number> | null;
  breakdowns: Record<string, Record<string, GroupStats>>;
  tokens: {
    prompt: number;
    completion: number;
    /** `null` when the server never reported reasoning tokens separately. */
    reasoning: number | null;
    /** Completion tokens of all responses over the number of correct ones. */
    completion_per_correct: number | null;
  };
  /** `null` when no sample recorded its generation time (older runs, imported runs). */
  time: { generation_seconds: number; mean_seconds_per_sample: number } | null;
}

/** Folds sample records into {@linkcode RunStatistics}. */
export class RunStatisticsAccumulator {
  #clustered = new ClusteredAccumulator();
  #majority = new MajorityAccumulator();
  #breakdowns = new BreakdownAccumulator();
  #problems = 0;
  #problemAccuracySum = 0;
  #promptTokens = 0;
  #completionTokens = 0;
  #reasoningTokens: number | null = null;
  #correct = 0;
  #latencyMs = 0;
  #timedSamples = 0;

  /** Adds one sample record (errored samples count for nothing). */
  add(record: SampleRecord): void {
    if (record.error !== undefined && record.responses.length === 0) return;
    this.#promptTokens += record.prompt_tokens ?? 0;
    if (record.latency_ms !== undefined) {
      this.#latencyMs += record.latency_ms;
      this.#timedSamples++;
    }
    let judged = 0;
    let correct = 0;
    for (const response of record.responses) {
      this.#completionTokens += response.completion_tokens ?? 0;
      if (response.reasoning_tokens !== undefined) {
        this.#reasoningTokens = (this.#reasoningTokens ?? 0) + response.reasoning_tokens;
      }
      if (!record.scored || response.correctness === null) continue;
      judged++;
      if (response.correctness) correct++;
    }
    if (!record.scored || judged === 0) return;
    this.#correct += correct;
    this.#problems++;
    this.#problemAccuracySum += correct / judged;
    this.#clustered.add({ n: judged, c: correct });
    this.#breakdowns.add(record.row, judged, correct);
    this.#majority.add(
      record.responses.map((r) => ({ answer: r.extracted, correct: r.correctness })),
    );
  }

  /** The statistics of everything added; `n` is the responses asked per problem (maj@k when above 1). */
  finish(n: number): RunStatistics {
    const clustered = this.#clustered.finish();
    const r4 = (x: number) => round(x, 4);
    return {
      mean_at_n: this.#problems ? r4(this.#problemAccuracySum / this.#problems) : null,
      clustered_stderr: clustered ? r4(clustered.stderr) : null,
      clustered_ci95: clustered ? [r4(clustered.ci95[0]), r4(clustered.ci95[1])] : null,
      maj_at_k: n > 1
        ? Object.fromEntries(
          Object.entries(this.#majority.finish(passAtKValues(n))).map(([k, v]) => [k, round(v, 3)]),
        )
        : null,
      breakdowns: Object.fromEntries(
        Object.entries(this.#breakdowns.finish()).map(([field, groups]) => [
          field,
          Object.fromEntries(
            Object.entries(groups).map(([value, g]) => [value, { ...g, accuracy: r4(g.accuracy) }]),
          ),
        ]),
      ),
      tokens: {
        prompt: this.#promptTokens,
        completion: this.#completionTokens,
        reasoning: this.#reasoningTokens,
        completion_per_correct: this.#correct
          ? round(this.#completionTokens / this.#correct, 1)
          : null,
      },
      time: this.#timedSamples
        ? {
          generation_seconds: round(this.#latencyMs / 1000, 3),
          mean_seconds_per_sample: round(this.#latencyMs / 1000 / this.#timedSamples, 3),
        }
        : null,
    };
  }
}

/** The statistics of a list of sample records. */
export function runStatistics(records: Iterable<SampleRecord>, n: number): RunStatistics {
  const accumulator = new RunStatisticsAccumulator();
  for (const record of records) accumulator.add(record);
  return accumulator.finish(n);
}
