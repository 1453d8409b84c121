/**
 * One run, start to finish, in its run folder: record the configuration,
 * generate (and score) every sample not already finished, and write
 * `results.json` and `summary.json`, also when interrupted. This is
 * `skyeval evaluate` / `generate` without the command line.
 *
 * Needs write access to the run folder and network access to the backend.
 *
 * @module
 */
import type { Backend } from "../backends/backend.ts";
import { VERSION } from "../version.ts";
import { hashValue } from "./hash.ts";
import type { PreparedSample } from "./prepare.ts";
import { readSamples, RUN_FILES, SampleLog, writeJson } from "./run_dir.ts";
import { type RunProgress, runSamples, writeRunFiles } from "./run.ts";
import { configurationOf, runHash, type RunSpec } from "./run_spec.ts";
import type { Scorers } from "./score_samples.ts";
import { summarize, type Summary, type SummaryContext } from "./summary.ts";

/** What was evaluated, for the fingerprint. */
export interface DatasetInfo {
  origin: string;
  files: string[];
  contentHash: string;
  rows: number;
}

/** Options of `evaluateRun`. */
export interface EvaluateRunOptions {
  spec: RunSpec;
  samples: readonly PreparedSample[];
  dataset: DatasetInfo;
  backend: Backend;
  runDir: string;
  /** Keep the samples already in the folder; otherwise the folder starts afresh. */
  resume: boolean;
  /** Score as samples finish (evaluate); absent for generate. */
  scorers?: Scorers;
  /** What to record about the scorers, asked when files are written. */
  describeScoring?: () => Record<string, unknown>;
  /** Requests in flight (default: the backend's limit). */
  concurrency?: number;
  signal?: AbortSignal;
  onStart?: (info: { total: number; alreadyDone: number }) => void;
  onProgress?: (progress: RunProgress) => void;
}

/** How a run ended. */
export interface EvaluateRunResult {
  summary: Summary;
  /** The signal aborted it: finished samples are saved and the summary says `running`. */
  interrupted: boolean;
}

/** Runs one evaluation (or generation) into `runDir`. */
export async function evaluateRun(options: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const { spec, samples, runDir } = options;
  await Deno.mkdir(runDir, { recursive: true });
  const samplesPath = `${runDir}/${RUN_FILES.samples}`;
  const existing = options.resume ? (await readSamples(samplesPath)).records : new Map();
  const fingerprint = {
    run_hash: await runHash(spec),
    dataset: {
      origin: options.dataset.origin,
      files: options.dataset.files,
      sha256: options.dataset.contentHash,
      rows: options.dataset.rows,
    },
    prompt_sha256: await hashValue(samples.map((s) => s.messages)),
    sampling: spec.sampling,
    backend: { name: spec.backend.name, model: spec.model.model_id },
    task_version: spec.task.config.version,
    skyeval_version: VERSION,
  };
  const configuration = configurationOf(spec);
  const context = (status: Summary["status"]): SummaryContext => ({
    configuration,
    n: spec.n,
    status,
    scoring: options.describeScoring?.() ?? null,
    fingerprint,
    version: VERSION,
  });

  const log = await SampleLog.open(samplesPath, { truncate: !options.resume });
  await writeJson(
    `${runDir}/${RUN_FILES.summary}`,
    summarize([...existing.values()], context("running")),
  );
  options.onStart?.({ total: samples.length, alreadyDone: existing.size });
  let records;
  try {
    records = await runSamples(samples, {
      backend: options.backend,
      n: spec.n,
      sampling: spec.sampling,
      existing,
      log,
      ...(options.scorers ? { scorers: options.scorers } : {}),
      concurrency: options.concurrency ?? options.backend.maxConcurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    await log.close();
    if (!options.signal?.aborted) throw error;
    const saved = (await readSamples(samplesPath)).records;
    return {
      summary: await writeRunFiles(runDir, [...saved.values()], context("running")),
      interrupted: true,
    };
  }
  await log.close();
  const status = options.scorers ? "scored" : "generated";
  return { summary: await writeRunFiles(runDir, records, context(status)), interrupted: false };
}
