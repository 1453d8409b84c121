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
import { readJson, readSamples, RUN_FILES, RunDirError, SampleLog, writeJson } from "./run_dir.ts";
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

  if (options.resume) await checkSameRun(runDir, fingerprint);
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
    if (!options.signal?.aborted) {
      if (!options.resume) await removeIfNothingGenerated(runDir);
      throw error;
    }
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

/**
 * Refuses to resume a folder made by a different run: its samples would be
 * mixed with this run's under the same `_index`.
 *
 * @throws {RunDirError} when the recorded configuration or dataset differs.
 */
async function checkSameRun(
  runDir: string,
  fingerprint: { run_hash: string; dataset: { sha256: string } },
): Promise<void> {
  let recorded: { fingerprint?: { run_hash?: string; dataset?: { sha256?: string } } };
  try {
    recorded = await readJson(`${runDir}/${RUN_FILES.summary}`) as typeof recorded;
  } catch (error) {
    if (error instanceof RunDirError && /does not exist/.test(error.message)) return;
    throw error;
  }
  const hash = recorded.fingerprint?.run_hash;
  if (hash !== undefined && hash !== fingerprint.run_hash) {
    throw new RunDirError(
      `Cannot resume "${runDir}": it was made with a different configuration (run ${hash}, these flags give ${fingerprint.run_hash}); use the flags it was started with`,
    );
  }
  const data = recorded.fingerprint?.dataset?.sha256;
  if (data && fingerprint.dataset.sha256 && data !== fingerprint.dataset.sha256) {
    throw new RunDirError(
      `Cannot resume "${runDir}": the dataset changed since it was started (sha256 ${
        data.slice(0, 12)
      }..., now ${fingerprint.dataset.sha256.slice(0, 12)}...)`,
    );
  }
}

/** Removes a new run folder that a failed start left with nothing generated in it. */
async function removeIfNothingGenerated(runDir: string): Promise<void> {
  const { records } = await readSamples(`${runDir}/${RUN_FILES.samples}`);
  if ([...records.values()].some((r) => r.responses.length > 0)) return;
  for (const file of [RUN_FILES.samples, RUN_FILES.summary]) {
    await Deno.remove(`${runDir}/${file}`).catch(() => {});
  }
  await Deno.remove(runDir).catch(() => {});
}
