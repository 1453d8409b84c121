/**
 * The evaluation pipeline over prepared samples: generate through a
 * backend with bounded concurrency, score, and append each finished sample
 * to `samples.jsonl` as it completes; then write `results.json` and
 * `summary.json` by streaming over that log. Samples already in the log (a
 * resumed run) are neither generated nor written again. Memory does not
 * grow with the number of samples: samples are pulled as workers free up
 * and finished records live only in the log.
 *
 * Needs network access to the backend and read and write access to the run folder.
 *
 * @module
 */
import { type Backend, BackendError } from "../backends/backend.ts";
import { forEachPooled } from "./pool.ts";
import type { PreparedSample } from "./prepare.ts";
import { ResultsFileWriter } from "./results_file.ts";
import { RUN_FILES, type SampleLog, writeJson } from "./run_dir.ts";
import { SampleLogIndex } from "./sample_log_index.ts";
import type { SampleRecord } from "./sample_record.ts";
import { type Scorers, scoreSamples } from "./score_samples.ts";
import { type Summary, type SummaryContext, SummaryFold } from "./summary.ts";

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
  /** How many samples `samples` yields (for progress). */
  total: number;
  /** The log as it was before this run (a resumed run); absent for a fresh one. */
  existing?: SampleLogIndex;
  log: SampleLog;
  /** Score as samples finish (evaluate); absent for generate. */
  scorers?: Scorers;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

/**
 * Generates (and scores) every sample not already finished, appending each
 * record to the log. A sample whose generation fails for good is recorded
 * with its error and retried by the next resume.
 */
export async function runSamples(
  samples: Iterable<PreparedSample> | AsyncIterable<PreparedSample>,
  options: RunOptions,
): Promise<void> {
  const { existing, log, scorers } = options;
  let done = 0;
  const finished = (record: SampleRecord, resumed: boolean) =>
    options.onProgress?.({ done: ++done, total: options.total, record, resumed });
  const reader = existing?.size ? await existing.reader() : undefined;

  // Until one sample has generated, a failure is more likely the run's fault
  // (a wrong address, a rejected parameter) than the sample's: stop early.
  let generated = 0;
  let failedBeforeAny = 0;
  let lastFailure: { error: unknown } | undefined;

  /** Finishes a sample from its saved record (scoring it if need be); false when it must generate. */
  const resume = async (sample: PreparedSample): Promise<boolean> => {
    let record = reader?.read(sample.id);
    if (!record || record.error !== undefined) return false;
    if (scorers && !record.scored) {
      [record] = await scoreSamples([record], new Map([[sample.id, sample.target]]), scorers);
      await log.append(record);
    }
    finished(record, true);
    return true;
  };

  try {
    await forEachPooled(samples, options.concurrency, async (sample) => {
      if (await resume(sample)) return;
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
          latency_ms: result.latencyMs,
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
        lastFailure = { error };
        if (generated === 0) {
          if (error instanceof BackendError && !error.retryable) throw error;
          if (++failedBeforeAny >= FAIL_FAST_SAMPLES) throw allFailed(failedBeforeAny, error);
        }
        const failed: SampleRecord = {
          id: sample.id,
          row: sample.row,
          messages: sample.messages,
          prompt_tokens: null,
          responses: [],
          error: (error as Error).message,
          scored: false,
        };
        await log.append(failed);
        finished(failed, false);
        return;
      }
      if (scorers) {
        if (sample.target.kind === "code") await log.append(record);
        [record] = await scoreSamples([record], new Map([[sample.id, sample.target]]), scorers);
      }
      await log.append(record);
      finished(record, false);
    }, options.signal);
  } finally {
    reader?.close();
  }
  if (generated === 0 && lastFailure) throw allFailed(failedBeforeAny, lastFailure.error);
}

function allFailed(count: number, error: unknown): BackendError {
  return new BackendError(
    `The first ${count} samples all failed to generate; stopping: ${(error as Error).message}`,
    { cause: error },
  );
}

/**
 * Writes `results.json` and `summary.json` from the run's `samples.jsonl`,
 * in one streaming pass over each sample's latest record; returns the
 * summary. The context may depend on what the pass found.
 */
export async function writeRunFiles(
  runDir: string,
  ctx: SummaryContext | ((fold: SummaryFold) => SummaryContext),
): Promise<Summary> {
  const index = await SampleLogIndex.build(`${runDir}/${RUN_FILES.samples}`);
  const results = await ResultsFileWriter.create(`${runDir}/${RUN_FILES.results}`);
  const fold = new SummaryFold();
  try {
    for await (const record of index.records()) {
      await results.add(record);
      fold.add(record);
    }
    await results.finish();
  } catch (error) {
    await results.abort();
    throw error;
  }
  const summary = fold.finish(typeof ctx === "function" ? ctx(fold) : ctx);
  await writeJson(`${runDir}/${RUN_FILES.summary}`, summary);
  return summary;
}
