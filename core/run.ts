/**
 * The evaluation pipeline over prepared samples: generate through a
 * backend with bounded concurrency, score, and append each finished sample
 * to `samples.jsonl` as it completes; then write `results.json` and
 * `summary.json`. Samples already in the log (a resumed run) are neither
 * generated nor written again.
 *
 * Needs network access to the backend and write access to the run folder.
 *
 * @module
 */
import { type Backend, BackendError } from "../backends/backend.ts";
import { forEachPooled } from "./pool.ts";
import type { PreparedSample } from "./prepare.ts";
import { buildResults } from "./results_file.ts";
import { RUN_FILES, type SampleLog, writeJson } from "./run_dir.ts";
import type { SampleRecord } from "./sample_record.ts";
import { type Scorers, scoreSamples } from "./score_samples.ts";
import { summarize, type Summary, type SummaryContext } from "./summary.ts";

/** Failures with no success before them that stop a run. */
const FAIL_FAST_SAMPLES = 5;

/** Progress of a run, reported once per finished sample. */
export interface RunProgress {
  done: number;
  total: number;
  record: SampleRecord;
  resumed: boolean;
}

/** Options for `runSamples`. */
export interface RunOptions {
  backend: Backend;
  /** Responses per sample. */
  n: number;
  sampling: Record<string, unknown>;
  /** Records already on disk (a resumed run), by id. */
  existing: ReadonlyMap<string, SampleRecord>;
  log: SampleLog;
  /** Score as samples finish (evaluate); absent for generate. */
  scorers?: Scorers;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

/**
 * Generates (and scores) every sample not already finished; returns all
 * records in sample order. A sample whose generation fails for good is
 * recorded with its error and retried by the next resume.
 */
export async function runSamples(
  samples: readonly PreparedSample[],
  options: RunOptions,
): Promise<SampleRecord[]> {
  const records = new Map<string, SampleRecord>();
  const targets = new Map(samples.map((s) => [s.id, s.target]));
  let done = 0;
  const finished = async (record: SampleRecord, resumed: boolean, write: boolean) => {
    records.set(record.id, record);
    if (write) await options.log.append(record);
    options.onProgress?.({ done: ++done, total: samples.length, record, resumed });
  };

  const pending: PreparedSample[] = [];
  const rescore: SampleRecord[] = [];
  for (const sample of samples) {
    const saved = options.existing.get(sample.id);
    if (!saved || saved.error !== undefined) pending.push(sample);
    else if (options.scorers && !saved.scored) rescore.push(saved);
    else await finished(saved, true, false);
  }
  if (rescore.length && options.scorers) {
    for (const record of await scoreSamples(rescore, targets, options.scorers)) {
      await finished(record, true, true);
    }
  }

  // Until one sample has generated, a failure is more likely the run's fault
  // (a wrong address, a rejected parameter) than the sample's: stop early.
  let generated = 0;
  let failedBeforeAny = 0;
  const failFastAfter = Math.min(FAIL_FAST_SAMPLES, pending.length);
  await forEachPooled(pending, options.concurrency, async (sample) => {
    let record: SampleRecord;
    try {
      const result = await options.backend.generate(
        { id: sample.id, messages: sample.messages, n: options.n, sampling: options.sampling },
        options.signal,
      );
      record = {
        id: sample.id,
        row: sample.row,
        messages: sample.messages,
        prompt_tokens: result.promptTokens,
        responses: result.completions.map((c) => ({
          content: c.text,
          finish_reason: c.finishReason,
          completion_tokens: c.completionTokens,
          ...(c.completionTokensKind ? { completion_tokens_kind: c.completionTokensKind } : {}),
          ...(c.reasoning ? { reasoning: c.reasoning } : {}),
          correctness: null,
          reason: "",
        })),
        scored: false,
      };
      generated++;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (generated === 0) {
        if (error instanceof BackendError && !error.retryable) throw error;
        if (++failedBeforeAny >= failFastAfter) {
          throw new BackendError(
            `The first ${failedBeforeAny} samples all failed to generate; stopping: ${
              (error as Error).message
            }`,
            { cause: error },
          );
        }
      }
      await finished(
        {
          id: sample.id,
          row: sample.row,
          messages: sample.messages,
          prompt_tokens: null,
          responses: [],
          error: (error as Error).message,
          scored: false,
        },
        false,
        true,
      );
      return;
    }
    if (options.scorers) {
      if (sample.target.kind === "code") await options.log.append(record);
      [record] = await scoreSamples([record], targets, options.scorers);
    }
    await finished(record, false, true);
  }, options.signal);

  return samples.map((s) => records.get(s.id)).filter((r): r is SampleRecord => r !== undefined);
}

/** Writes `results.json` and `summary.json` for the records; returns the summary. */
export async function writeRunFiles(
  runDir: string,
  records: readonly SampleRecord[],
  ctx: SummaryContext,
): Promise<Summary> {
  await writeJson(`${runDir}/${RUN_FILES.results}`, buildResults(records));
  const summary = summarize(records, ctx);
  await writeJson(`${runDir}/${RUN_FILES.summary}`, summary);
  return summary;
}
